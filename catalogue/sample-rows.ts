import type { CatalogueEntry, PaymentPolicy } from '../src/catalogue/entry.js';

/**
 * The sample catalogue, one definition for every sample file (make-samples.ts writes them).
 * The first three rows are real rows of the provincial workbook (domain.md section 5); the
 * others cover each case the rules distinguish: class A, class B with a self-pay share,
 * capped (self-pay the excess, and refuse), restricted use, prescription-only, a listing
 * that ended, off the market, not valid, class C, and a code of the older 20-character form.
 * Rows with ver 20260201 (the ended listing and the invalidated one) are the platform's second
 * release: a delta sync from 20260101 downloads only those.
 */
export interface SampleRow {
  entry: CatalogueEntry;
  pack: { material: string; count: number; doseUnit: string; unit: string };
  policy?: PaymentPolicy;
  /** Class-B self-pay proportions of person types that differ from the policy's (1319 selfpay_prop_psn_type), parts per 10,000. */
  personRatios?: Record<string, number>;
  items?: { localCode: string; barcode: string; localName: string }[];
  /** 国家医保药品目录 编号 */
  listNo?: string;
}

export const VER_1 = { ver: '20260101', name: '2026年第1版' };
export const VER_2 = { ver: '20260201', name: '2026年第2版' };

function entry(e: Partial<CatalogueEntry> & Pick<CatalogueEntry, 'code' | 'name'>): CatalogueEntry {
  return {
    genericName: null, dosageForm: null, spec: null, manufacturer: null, approvalNo: null, standardCode: null,
    insuranceClass: null, selfPayRatio: null, priceCapFen: null, overCapHandling: null, restricted: false, restrictedScope: null,
    prescriptionOnly: false, beginDate: '2020-01-01', endDate: null, valid: true, marketStatus: 'listed', listVersion: VER_1.ver,
    ...e,
  };
}

export const SAMPLE_ROWS: SampleRow[] = [
  {
    entry: entry({ code: 'XA01ABD075A002010100483', name: '地喹氯铵含片', genericName: '地喹氯铵', dosageForm: '片剂(口含)', spec: '0.25mg', manufacturer: '汕头经济特区明治医药有限公司', approvalNo: '国药准字H20067255', standardCode: '86900483000019' }),
    pack: { material: '铝塑', count: 24, doseUnit: '片', unit: '盒' },
    items: [{ localCode: 'L0005', barcode: '6905678901236', localName: '地喹氯铵含片 24片' }],
  },
  {
    entry: entry({ code: 'XA01ABD075A002010100594', name: '地喹氯铵含片', genericName: '地喹氯铵', dosageForm: '含片', spec: '0.25mg', manufacturer: '珠海同源药业有限公司', approvalNo: '国药准字H44024254', standardCode: '86900594000342' }),
    pack: { material: '铝塑包装', count: 12, doseUnit: '片', unit: '盒' },
  },
  {
    entry: entry({ code: 'XA01ABD075A002010200144', name: '地喹氯铵含片', genericName: '地喹氯铵', dosageForm: '片剂', spec: '0.25mg', manufacturer: '华润双鹤药业股份有限公司', approvalNo: '国药准字H11021869', standardCode: '86900144005704' }),
    pack: { material: '双铝泡罩包装', count: 12, doseUnit: '片', unit: '盒' },
  },
  {
    entry: entry({ code: 'XN02BEA011A001010100201', name: '对乙酰氨基酚片', genericName: '对乙酰氨基酚', dosageForm: '片剂', spec: '0.5g*12片', manufacturer: '中美天津史克制药有限公司', approvalNo: '国药准字H10940113', standardCode: '86900201000017', insuranceClass: 'A' }),
    pack: { material: '铝塑', count: 12, doseUnit: '片', unit: '盒' }, listNo: '1',
    items: [{ localCode: 'L0001', barcode: '6901234567892', localName: '对乙酰氨基酚片 0.5g*12' }],
  },
  {
    entry: entry({ code: 'XJ01CAA040E001010101234', name: '阿莫西林胶囊', genericName: '阿莫西林', dosageForm: '胶囊剂', spec: '0.25g*24粒', manufacturer: '珠海联邦制药股份有限公司', approvalNo: '国药准字H44021351', standardCode: '86901234000012', insuranceClass: 'A', prescriptionOnly: true }),
    pack: { material: '铝塑', count: 24, doseUnit: '粒', unit: '盒' }, listNo: '2',
    items: [{ localCode: 'L0002', barcode: '6902345678903', localName: '阿莫西林胶囊 0.25g*24' }],
  },
  {
    entry: entry({ code: 'XA10BAE001A001010100321', name: '盐酸二甲双胍片', genericName: '二甲双胍', dosageForm: '片剂', spec: '0.5g*20片', manufacturer: '中美上海施贵宝制药有限公司', approvalNo: '国药准字H20023370', standardCode: '86900321000015', insuranceClass: 'A', prescriptionOnly: true }),
    pack: { material: '铝塑', count: 20, doseUnit: '片', unit: '盒' }, listNo: '3',
  },
  {
    entry: entry({ code: 'XC10AAA058A001010100123', name: '阿托伐他汀钙片', genericName: '阿托伐他汀', dosageForm: '片剂', spec: '20mg*7片', manufacturer: '辉瑞制药有限公司', approvalNo: '国药准字J20120050', standardCode: '86900123000013', insuranceClass: 'B', prescriptionOnly: true }),
    pack: { material: '铝塑', count: 7, doseUnit: '片', unit: '盒' }, listNo: '4',
    policy: { selfPayRatio: 1000, priceCapFen: 3000, overCapHandling: 'self-pay-excess' },
    // Retirees (person type 21) pay a smaller class-B share, as several provinces set it.
    personRatios: { '21': 500 },
    items: [{ localCode: 'L0003', barcode: '6903456789014', localName: '立普妥 阿托伐他汀钙片 20mg*7' }],
  },
  {
    entry: entry({ code: 'ZA04BAL0235010102006', name: '连花清瘟胶囊', genericName: '连花清瘟', dosageForm: '胶囊剂', spec: '0.35g*24粒', manufacturer: '石家庄以岭药业股份有限公司', approvalNo: '国药准字Z20040063', standardCode: '86902006000011', insuranceClass: 'B' }),
    pack: { material: '铝塑', count: 24, doseUnit: '粒', unit: '盒' }, listNo: '5',
    policy: { selfPayRatio: 500, priceCapFen: null, overCapHandling: null },
    items: [{ localCode: 'L0004', barcode: '6904567890125', localName: '连花清瘟胶囊 24粒' }],
  },
  {
    entry: entry({ code: 'XA02BCA211E001010100777', name: '奥美拉唑肠溶胶囊', genericName: '奥美拉唑', dosageForm: '胶囊剂', spec: '20mg*14粒', manufacturer: '常州四药制药有限公司', approvalNo: '国药准字H20065491', standardCode: '86900777000016', insuranceClass: 'B', prescriptionOnly: true, restricted: true, restrictedScope: '限有明确诊断的消化性溃疡、反流性食管炎患者' }),
    pack: { material: '铝塑', count: 14, doseUnit: '粒', unit: '盒' }, listNo: '6',
    policy: { selfPayRatio: 1000, priceCapFen: null, overCapHandling: null },
    items: [{ localCode: 'L0007', barcode: '6907890123458', localName: '奥美拉唑肠溶胶囊 20mg*14' }],
  },
  {
    entry: entry({ code: 'XB01ACA056A001010100888', name: '氯吡格雷片', genericName: '氯吡格雷', dosageForm: '片剂', spec: '75mg*7片', manufacturer: '赛诺菲(杭州)制药有限公司', approvalNo: '国药准字J20130083', standardCode: '86900888000014', insuranceClass: 'B', prescriptionOnly: true, restricted: true, restrictedScope: '限住院患者' }),
    pack: { material: '铝塑', count: 7, doseUnit: '片', unit: '盒' }, listNo: '7',
    policy: { selfPayRatio: 1000, priceCapFen: null, overCapHandling: null },
  },
  {
    entry: entry({ code: 'XR06AXL001A001010100555', name: '氯雷他定片', genericName: '氯雷他定', dosageForm: '片剂', spec: '10mg*6片', manufacturer: '拜耳医药保健有限公司', approvalNo: '国药准字H10970410', standardCode: '86900555000018', insuranceClass: 'A' }),
    pack: { material: '铝塑', count: 6, doseUnit: '片', unit: '盒' }, listNo: '8',
    policy: { selfPayRatio: null, priceCapFen: 1200, overCapHandling: 'refuse' },
    items: [{ localCode: 'L0006', barcode: '6906789012347', localName: '开瑞坦 氯雷他定片 10mg*6' }],
  },
  {
    entry: entry({ code: 'XR05CBA110A001010100432', name: '氨溴索片', genericName: '氨溴索', dosageForm: '片剂', spec: '30mg*20片', manufacturer: '勃林格殷格翰制药有限公司', approvalNo: '国药准字H20040327', standardCode: '86900432000019', insuranceClass: 'B', beginDate: '2018-01-01', endDate: '2024-12-31', listVersion: VER_2.ver }),
    pack: { material: '铝塑', count: 20, doseUnit: '片', unit: '盒' }, listNo: '9',
    policy: { selfPayRatio: 1000, priceCapFen: null, overCapHandling: null },
  },
  {
    entry: entry({ code: 'XA11GAW001A001010100666', name: '维生素C片', genericName: '维生素C', dosageForm: '片剂', spec: '0.1g*100片', manufacturer: '华中药业股份有限公司', approvalNo: '国药准字H42020981', standardCode: '86900666000013', insuranceClass: 'A', marketStatus: 'discontinued' }),
    pack: { material: '塑料瓶', count: 100, doseUnit: '片', unit: '瓶' }, listNo: '10',
  },
  {
    entry: entry({ code: 'XS01XAX101G010010100999', name: '复方门冬维甘滴眼液', genericName: '门冬维甘', dosageForm: '滴眼剂', spec: '13ml', manufacturer: '曼秀雷敦(中国)药业有限公司', approvalNo: '国药准字H20051916', standardCode: '86900999000017', insuranceClass: 'C' }),
    pack: { material: '塑料瓶', count: 1, doseUnit: '支', unit: '盒' }, listNo: '11',
  },
  {
    entry: entry({ code: 'XM01AEB015A001010100345', name: '布洛芬缓释胶囊', genericName: '布洛芬', dosageForm: '胶囊剂', spec: '0.3g*20粒', manufacturer: '中美天津史克制药有限公司', approvalNo: '国药准字H10900089', standardCode: '86900345000011', insuranceClass: 'A', valid: false, listVersion: VER_2.ver }),
    pack: { material: '铝塑', count: 20, doseUnit: '粒', unit: '盒' }, listNo: '12',
  },
];
