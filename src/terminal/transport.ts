/**
 * Raw HID reports in and out, nothing more. A report here never includes the report-ID byte:
 * a transport that needs one (node-hid) adds and strips it.
 */
export interface ReportTransport {
  write(report: Uint8Array): Promise<void>;
  /** The next input report, or null when none came within timeoutMs. Throws ReaderError -11 when the device is gone. */
  read(timeoutMs: number): Promise<Uint8Array | null>;
  close(): Promise<void>;
  /** False once the device is known to be gone (an error event, a failed read), so the link opens it afresh before use. */
  alive(): boolean;
}

export interface TransportOpener {
  /** Opens the device; throws ReaderError -11 when it is not there. */
  open(): Promise<ReportTransport>;
  /** Whether the device is attached at all (to tell an unplugged terminal from a slow one). */
  present(): Promise<boolean>;
}
