export { openPdf } from './openFileMini';
