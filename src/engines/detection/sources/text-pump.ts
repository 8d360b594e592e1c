/**
 * Decoded text of a byte stream, handed out a line-aligned stretch at a time. This module owns
 * turning byte chunks into UTF-8 text (characters split across chunks are kept whole) while keeping
 * the cost linear in the object's size: pieces without a line break are collected in a list and
 * joined once, when a line break arrives, so a line longer than many chunks (a one-line CloudTrail
 * `{"Records":[…]}` object) is not re-concatenated and re-scanned chunk after chunk.
 */
import { StringDecoder } from 'node:string_decoder'

/** Pulls decoded text from a stream of byte chunks. */
export class TextPump {
  private readonly decoder = new StringDecoder('utf8')
  /** Whether the byte stream has ended (and the decoder been flushed). */
  eof = false

  constructor(
    private readonly bytes: AsyncIterator<Buffer>,
    /** Called with the size of every byte chunk read. */
    private readonly onBytes: (count: number) => void,
    /** Largest text `fill`/`all` may return; beyond it they throw `tooLong()`. */
    private readonly maxChars: number,
    private readonly tooLong: () => Error,
  ) {}

  private async piece(): Promise<string> {
    const next = await this.bytes.next()
    if (next.done === true) {
      this.eof = true
      return this.decoder.end()
    }
    this.onBytes(next.value.length)
    return this.decoder.write(next.value)
  }

  /**
   * `head` followed by the text read until a chunk brings a line break, or the stream ends. Pass as
   * `head` the unconsumed rest of the previous text (normally the start of an unfinished line).
   */
  async fill(head: string): Promise<string> {
    const pieces = head === '' ? [] : [head]
    let length = head.length
    while (!this.eof) {
      const piece = await this.piece()
      if (piece === '') continue
      pieces.push(piece)
      length += piece.length
      if (length > this.maxChars) throw this.tooLong()
      if (piece.includes('\n')) break
    }
    return pieces.length === 1 ? (pieces[0] ?? '') : pieces.join('')
  }

  /** `head` followed by everything left in the stream. */
  async all(head: string): Promise<string> {
    const pieces = [head]
    let length = head.length
    while (!this.eof) {
      const piece = await this.piece()
      pieces.push(piece)
      length += piece.length
      if (length > this.maxChars) throw this.tooLong()
    }
    return pieces.join('')
  }
}
