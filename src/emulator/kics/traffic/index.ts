/** Event traffic as real capture files: PCAPs of industrial-protocol conversations and ZIPs of several. */
export { writeCapture, MAX_EXCHANGES } from './capture.ts';
export { zipCaptures } from './zip.ts';
export { captureFileName, PCAP_CONTENT_TYPE, ZIP_CONTENT_TYPE, TRAFFIC_ZIP_FILE_NAME } from './files.ts';
export { CAPTURE_ACTIONS, type CaptureAction } from './protocols/dialogue.ts';
export { DIALOGUES } from './protocols/index.ts';
