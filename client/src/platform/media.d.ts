// Type of the media module; the build resolves '…/platform/media' to media.<TARO_ENV>.ts.
import type { MediaBridge } from './media.types';

export type { MediaBridge, PickResult, PickedImage } from './media.types';
export declare const media: MediaBridge;
