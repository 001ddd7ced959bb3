export * from './types';
export { LocalSigner, createLocalKey, rotateLocalKey, signerKeyAad } from './local';
