// @das/capture/testing: an in-memory activity stream and polling helpers for capture tests.
export { createTestStream, eventually, records, type TestStream } from './test-stream.js';
