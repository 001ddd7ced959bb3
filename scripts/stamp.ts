// `tsx scripts/stamp.ts <target>`: records the source hash of a finished client build (see lib.ts).
import { writeBuildStamp } from './lib';
const target = process.argv[2];
if (!target || !['weapp', 'alipay', 'h5'].includes(target)) {
  console.error('usage: tsx scripts/stamp.ts weapp|alipay|h5');
  process.exit(2);
}
writeBuildStamp(target);
