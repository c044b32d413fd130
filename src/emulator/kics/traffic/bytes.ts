/**
 * A growable byte buffer with the fixed-width writes wire formats need. Protocols mix byte orders (MBAP and
 * S7comm are big-endian, IEC 104, DNP3, OPC UA and EtherNet/IP little-endian), so each write names its order.
 */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(capacity = 256) {
    this.buffer = new Uint8Array(capacity);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  u8(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  u16be(value: number): this {
    this.reserve(2);
    this.view.setUint16(this.length, value & 0xffff, false);
    this.length += 2;
    return this;
  }

  u16le(value: number): this {
    this.reserve(2);
    this.view.setUint16(this.length, value & 0xffff, true);
    this.length += 2;
    return this;
  }

  u24be(value: number): this {
    return this.u8(value >>> 16)
      .u8(value >>> 8)
      .u8(value);
  }

  u24le(value: number): this {
    return this.u8(value)
      .u8(value >>> 8)
      .u8(value >>> 16);
  }

  u32be(value: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, value >>> 0, false);
    this.length += 4;
    return this;
  }

  u32le(value: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, value >>> 0, true);
    this.length += 4;
    return this;
  }

  i32le(value: number): this {
    this.reserve(4);
    this.view.setInt32(this.length, value | 0, true);
    this.length += 4;
    return this;
  }

  i64le(value: bigint): this {
    this.reserve(8);
    this.view.setBigInt64(this.length, value, true);
    this.length += 8;
    return this;
  }

  f32le(value: number): this {
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
    return this;
  }

  f64le(value: number): this {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
    return this;
  }

  bytes(data: Uint8Array | readonly number[]): this {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
    return this;
  }

  /** ASCII text, one byte per character (the protocols here only carry ASCII names). */
  ascii(text: string): this {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i) & 0x7f;
    return this;
  }

  /** `count` zero bytes. */
  zeros(count: number): this {
    this.reserve(count);
    this.buffer.fill(0, this.length, this.length + count);
    this.length += count;
    return this;
  }

  /** Overwrites a big-endian u16 already written: length fields known only once the body is written. */
  patchU16be(offset: number, value: number): this {
    this.view.setUint16(offset, value & 0xffff, false);
    return this;
  }

  patchU16le(offset: number, value: number): this {
    this.view.setUint16(offset, value & 0xffff, true);
    return this;
  }

  patchU32le(offset: number, value: number): this {
    this.view.setUint32(offset, value >>> 0, true);
    return this;
  }

  /** A copy of the bytes written (the writer's buffer may grow and move afterwards). */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}
