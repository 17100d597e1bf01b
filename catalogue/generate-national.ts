/**
 * Writes a national-size 1301 download (270,000 rows by default) for benchmarks, with a
 * matching item mapping (one EAN-13 barcode per row):
 *   npx tsx catalogue/generate-national.ts OUT_DIR [ROWS]
 * Deterministic (a seeded generator): the same ROWS give the same bytes. Rows look like the
 * platform's: all 92 columns in order, most of them filled, the classes, caps-free policy,
 * restrictions, prescription flags, ended and withdrawn listings in realistic shares.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Zip, ZipDeflate } from 'fflate';
import type { CatalogueEntry, InsuranceClass } from '../src/catalogue/entry.js';
import { gtinCheckDigit } from '../src/catalogue/formats/item-mapping.js';
import { format1301Line } from '../src/catalogue/formats/nhsa-1301.js';

export const NATIONAL_ROWS = 270_000;

const GENERICS = ['阿莫西林', '头孢克肟', '阿奇霉素', '左氧氟沙星', '对乙酰氨基酚', '布洛芬', '双氯芬酸钠', '奥美拉唑', '雷贝拉唑', '二甲双胍', '格列美脲', '阿卡波糖',
  '氨氯地平', '硝苯地平', '缬沙坦', '厄贝沙坦', '美托洛尔', '阿托伐他汀', '瑞舒伐他汀', '氯吡格雷', '阿司匹林', '华法林', '氯雷他定', '西替利嗪', '孟鲁司特',
  '氨溴索', '右美沙芬', '甘草', '连花清瘟', '板蓝根', '六味地黄', '银黄', '复方丹参', '藿香正气', '维生素C', '叶酸', '碳酸钙', '甲钴胺', '坦索罗辛', '非那雄胺',
  '左甲状腺素', '泼尼松', '地塞米松', '沙丁胺醇', '布地奈德', '异丙托溴铵', '莫西沙星', '克拉霉素', '甲硝唑', '氟康唑', '阿昔洛韦', '奥司他韦', '蒙脱石', '乳果糖',
  '多潘立酮', '莫沙必利', '铝碳酸镁', '法莫替丁', '胰岛素', '依诺肝素'];
const FORMS = [['片剂', 'A001', '片'], ['胶囊剂', 'E001', '粒'], ['颗粒剂', 'C001', '袋'], ['注射剂', 'B001', '支'], ['口服溶液剂', 'D001', '瓶'], ['缓释片', 'A010', '片'], ['滴眼剂', 'G010', '支'], ['软膏剂', 'H001', '支']] as const;
const CITIES = ['北京', '上海', '天津', '重庆', '石家庄', '太原', '沈阳', '长春', '哈尔滨', '南京', '杭州', '合肥', '福州', '南昌', '济南', '郑州', '武汉', '长沙', '广州', '海口', '成都', '贵阳', '昆明', '西安', '兰州', '珠海', '汕头', '温州', '苏州', '无锡'];
const WORDS = ['华润', '康恩', '同源', '济民', '恒瑞', '科伦', '石药', '扬子江', '齐鲁', '正大', '联邦', '以岭', '太极', '白云山', '仁和', '修正', '三九', '天士力', '步长', '海正'];
const SCOPES = ['限有明确诊断的患者', '限住院患者', '限二线用药', '限儿童', '限急救抢救', '限门诊慢特病患者', '限工伤保险'];
const CLASSES: (InsuranceClass | null)[] = ['A', 'A', 'A', 'B', 'B', 'B', 'B', 'C', null, null];

/** mulberry32: small, fast, seeded. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface NationalRow {
  entry: CatalogueEntry;
  barcode: string;
}

/** The rows, one at a time: the codes are unique, each carries its barcode. */
export function* nationalRows(rows = NATIONAL_ROWS, seed = 20260101): Generator<NationalRow> {
  const r = random(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  for (let i = 0; i < rows; i++) {
    const g = Math.floor(r() * GENERICS.length);
    const generic = GENERICS[g]!;
    const [form, formCode, unit] = pick(FORMS);
    const chinese = g >= 27 && g <= 33;
    const serial = String(i).padStart(9, '0');
    const klass = pick(CLASSES);
    const restricted = klass !== null && r() < 0.1;
    const ended = r() < 0.03;
    const strength = pick(['5mg', '10mg', '20mg', '0.1g', '0.25g', '0.5g', '1g', '10ml']);
    const count = pick([6, 7, 10, 12, 14, 20, 24, 28, 30, 36, 48, 100]);
    const entry: CatalogueEntry = {
      code: `${chinese ? 'Z' : 'X'}${String.fromCharCode(65 + (g % 20))}${String(10 + (g % 80)).padStart(2, '0')}AB${'D'}${String(g).padStart(3, '0')}${formCode}${serial}`,
      name: `${generic}${form === '片剂' ? '片' : form === '胶囊剂' ? '胶囊' : form}`,
      genericName: generic,
      dosageForm: form,
      spec: `${strength}*${count}${unit}`,
      manufacturer: `${pick(CITIES)}${pick(WORDS)}${pick(['制药有限公司', '药业股份有限公司', '医药有限公司', '药业集团有限公司'])}`,
      approvalNo: `国药准字${chinese ? 'Z' : 'H'}${String(20000000 + i * 37).slice(-8)}`,
      standardCode: `8690${String(i).padStart(10, '0')}`,
      insuranceClass: klass,
      selfPayRatio: null,
      priceCapFen: null,
      overCapHandling: null,
      restricted,
      restrictedScope: restricted ? pick(SCOPES) : null,
      prescriptionOnly: r() < 0.6,
      beginDate: pick(['2017-07-01', '2019-08-20', '2020-01-01', '2021-03-01', '2023-01-01', '2024-01-01']),
      endDate: ended ? '2024-12-31' : null,
      valid: r() > 0.03,
      marketStatus: r() < 0.02 ? 'discontinued' : 'listed',
      listVersion: String(20240101 + Math.floor(i / 1000)),
    };
    yield { entry, barcode: nationalBarcode(i) };
  }
}

/** The EAN-13 barcode of generated row i (the last nine digits of its code are i). */
export function nationalBarcode(i: number): string {
  const body = `69${String(1_000_000_000 + i).slice(-10)}`;
  return body + String(gtinCheckDigit(body));
}

/** One 1301 line of a generated row, with the descriptive columns filled as the platform does. */
function line(row: NationalRow, i: number): string {
  const e = row.entry;
  return format1301Line(e, {
    rid: `R${String(i).padStart(12, '0')}`,
    verName: '国家医保药品目录（模拟）',
    more: {
      chemname: e.genericName ?? '', eng_name: 'Generated Drug Name', drug_dosform: e.code.slice(10, 14), drug_type: '1', drug_type_name: '西药',
      drug_spec_code: e.code.slice(14, 16), reg_dosform: e.dosageForm ?? '', reg_spec: e.spec ?? '', each_dos: '1', used_frqu: '每日3次', used_mtd: '口服',
      tcmpat_flag: e.code.startsWith('Z') ? '1' : '0', prodplac_type: '1', prodplac_type_name: '国产', prcunt_type: '1', pacmatl: '1', pacmatl_name: '铝塑',
      pacspec: e.spec ?? '', pac_cnt: '1', min_useunt: '片', min_salunt: '盒', min_unt: '片', min_pac_cnt: '24', min_pacunt: '盒', min_prepunt: '片',
      convrat: '24', drug_expy: '24', min_prcunt: '盒', wubi: 'WBZJM', pinyin: 'PYZJM', prodentp_code: `E${e.code.slice(-5)}`,
      aprvno_begndate: '2015-01-01', aprvno_enddate: '2030-12-31', bas_medn_flag: '0', hi_nego_drug_flag: '0',
      crte_time: '2024-01-01 00:00:00', updt_time: '2026-01-01 00:00:00',
    },
  });
}

/** Writes OUT/national-1301.zip and OUT/national-item-mapping.csv; returns their paths. */
export async function writeNational(outDir: string, rows = NATIONAL_ROWS): Promise<{ zip: string; mapping: string; rows: number }> {
  await mkdir(outDir, { recursive: true });
  const zipPath = path.join(outDir, 'national-1301.zip');
  const mapPath = path.join(outDir, 'national-item-mapping.csv');
  const zipOut = createWriteStream(zipPath);
  const mapOut = createWriteStream(mapPath);
  const done = new Promise<void>((resolve, reject) => {
    zipOut.on('finish', resolve).on('error', reject);
  });
  const zip = new Zip((err, chunk, final) => {
    if (err) zipOut.destroy(err);
    else {
      zipOut.write(chunk);
      if (final) zipOut.end();
    }
  });
  const entry = new ZipDeflate('1301_national.txt', { level: 1 });
  zip.add(entry);
  const encoder = new TextEncoder();
  let text: string[] = [];
  let mapping: string[] = ['local_code,barcode,med_list_codg,local_name\n'];
  let i = 0;
  for (const row of nationalRows(rows)) {
    text.push(line(row, i), '\n');
    mapping.push(`N${String(i).padStart(7, '0')},${row.barcode},${row.entry.code},${row.entry.name}\n`);
    if (++i % 5000 === 0) {
      entry.push(encoder.encode(text.join('')));
      mapOut.write(mapping.join(''));
      text = [];
      mapping = [];
    }
  }
  entry.push(encoder.encode(text.join('')), true);
  zip.end();
  mapOut.end(mapping.join(''));
  await Promise.all([done, new Promise<void>((resolve) => mapOut.on('finish', () => resolve()))]);
  return { zip: zipPath, mapping: mapPath, rows };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [out, n] = process.argv.slice(2);
  if (!out) {
    console.error('usage: npx tsx catalogue/generate-national.ts OUT_DIR [ROWS]');
    process.exit(2);
  }
  const result = await writeNational(out, n ? Number(n) : NATIONAL_ROWS);
  console.log(`wrote ${result.rows} rows to ${result.zip} and ${result.mapping}`);
}
