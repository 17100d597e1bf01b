import { ReaderError } from '../card/reader-errors.js';
import { listHidDevices, loadNodeHid, matchesProfile, type HidDeviceInfo, type NodeHidLoader } from './node-hid-transport.js';
import { hex4, loadProfiles, type ReaderProfile } from './profiles.js';

export interface DeviceListing {
  profiles: ReaderProfile[];
  devices: (HidDeviceInfo & { profiles: string[] })[];
  /** Why attached devices could not be listed (node-hid or libusb missing). */
  problem?: string;
}

/** `checkout-guard device list`: attached HID devices and the reader profiles that match them. */
export async function listDevices(devicesDir: string, load: NodeHidLoader = loadNodeHid): Promise<DeviceListing> {
  const profiles = loadProfiles(devicesDir);
  try {
    const devices = (await listHidDevices(load)).map((d) => ({ ...d, profiles: profiles.filter((p) => matchesProfile(d, p)).map((p) => p.name) }));
    return { profiles, devices };
  } catch (err) {
    if (!(err instanceof ReaderError)) throw err;
    return { profiles, devices: [], problem: err.message.replace(/^-?\d+ /, '') };
  }
}

export function formatDeviceListing(l: DeviceListing): string {
  const lines: string[] = [];
  if (l.problem) lines.push(`cannot list HID devices: ${l.problem}`);
  else if (l.devices.length === 0) lines.push('no HID devices attached');
  else {
    lines.push('attached HID devices:');
    for (const d of l.devices) {
      const what = [d.manufacturer, d.product].filter(Boolean).join(' ') || '(unnamed)';
      lines.push(`  ${hex4(d.vendorId)}:${hex4(d.productId)}  ${what}  ${d.path ?? ''}  ${d.profiles.length ? `profile: ${d.profiles.join(', ')}` : 'no profile'}`);
    }
  }
  lines.push('', 'reader profiles (TERMINAL=<name>, or TERMINAL=mock:<name> for the emulator):');
  for (const p of l.profiles) lines.push(`  ${p.name.padEnd(14)} ${hex4(p.vendorId)}:${hex4(p.productId)}  ${p.protocol.padEnd(12)} ${p.reportSize}-byte reports  ${p.description}`);
  return lines.join('\n');
}
