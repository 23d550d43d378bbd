export { createMemoryKms, kmsError, type MemoryKms, type MemoryKmsOptions } from './memory-kms.js';
