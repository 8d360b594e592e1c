/**
 * The bytes of one log object, decompressed. This module owns turning a reader's input (a Buffer or
 * a byte stream, e.g. an S3 GetObject body or a file stream) into a stream of plain byte chunks:
 * gzip is recognised by its magic number, not by the object's name, and inflated as a stream
 * (concatenated gzip members included); Parquet is recognised and refused.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { isGzip, isParquet, PARQUET_SEEN } from './detect-log-format.js'
import { LogFormatError } from './log-source.js'

/** Bytes per chunk handed to the line splitter (and zlib's output chunk size). */
export const CHUNK_BYTES = 64 * 1024

/** What the byte stream turned out to be. */
export interface ObjectBytesInfo {
  compressed: boolean
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8')
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  throw new TypeError('log object streams must yield bytes or strings')
}

async function* chunksOf(input: Readable | Uint8Array): AsyncGenerator<Buffer> {
  if (input instanceof Uint8Array) {
    const buffer = toBuffer(input)
    for (let i = 0; i < buffer.length; i += CHUNK_BYTES) yield buffer.subarray(i, i + CHUNK_BYTES)
    return
  }
  for await (const chunk of input as AsyncIterable<unknown>) yield toBuffer(chunk)
}

function isZlibError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code
  return error instanceof Error && typeof code === 'string' && code.startsWith('Z_')
}

/**
 * The decompressed bytes of `input`, chunk by chunk; sets `info.compressed` once the first bytes
 * are seen. Throws `LogFormatError` for Parquet, and the zlib error (with the object's name) for a
 * corrupt gzip stream.
 */
export async function* objectBytes(
  input: Readable | Uint8Array,
  info: ObjectBytesInfo,
  name = 'the object',
): AsyncGenerator<Buffer> {
  const source = chunksOf(input)
  const head: Buffer[] = []
  let headLength = 0
  let done = false
  while (headLength < 4) {
    const next = await source.next()
    if (next.done === true) {
      done = true
      break
    }
    head.push(next.value)
    headLength += next.value.length
  }
  const first = Buffer.concat(head)
  if (isParquet(first)) throw new LogFormatError(`${name} is ${PARQUET_SEEN}`, PARQUET_SEEN)
  if (!isGzip(first)) {
    if (first.length > 0) yield first
    if (!done) yield* source
    return
  }
  info.compressed = true
  async function* compressed(): AsyncGenerator<Buffer> {
    yield first
    if (!done) yield* source
  }
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES })
  pipeline(Readable.from(compressed()), gunzip, () => {
    // Errors reach the consumer through the iteration of `gunzip` below.
  })
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk
  } catch (error) {
    if (!isZlibError(error)) throw error
    throw new Error(`${name}: gzip data does not inflate: ${error.message}`, { cause: error })
  } finally {
    gunzip.destroy()
  }
}
