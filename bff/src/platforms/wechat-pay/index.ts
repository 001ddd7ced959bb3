export * from './amounts';
export * from './client';
export * from './errors';
export * from './keys';
export * from './notify';
export * from './types';
export * from './from-config';
