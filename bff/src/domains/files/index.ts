/**
 * Uploads (consultation images, self-service materials): see routes.ts for the endpoints.
 * What other domains use:
 *   attachFiles(tx, {fileIds, ownerUserId, purpose, refType, refId})  attach the owner's uploads (once)
 *   registerFileAccess(refType, policy)                                 who else may read attached files
 *   filesOf(deps).signer.ref(file)                                      a FileRef with a signed URL for answers
 */
export { filesRouter, filesOf, type FilesDeps } from './routes';
export { FilesService, attachFiles, sniffType } from './service';
export { registerFileAccess, type FileAccessPolicy } from './access';
export { FileUrlSigner } from './urls';
