/// A CHAT frame, the one of every message sent directly (most frames of all), written at
/// its size in one pass.
extension WireCodec {
    /// Writes the CHAT frame of (`seq`, `body`, `proof`) into `bytes`, in place of what they
    /// held, keeping their storage: the octets `ByteWriter` writes for it (signature, version,
    /// kind, u64 seq, long-bytes body, short-bytes proof), with the same refusals in the same
    /// order. Its fields are written in scratch memory (the stack unless the body is large)
    /// and appended at once: through the writer, each field's append checked the buffer's
    /// capacity and uniqueness, about 1.0 k instructions a message sent (docs/performance.md).
    static func writeChat(seq: UInt64, body: [UInt8], proof: [UInt8], into bytes: inout [UInt8]) throws(WireEncodingError) {
        guard body.count <= Int(UInt32.max) else {
            throw WireEncodingError(kind: MessageKind.chat.name, field: "long field (octets)", size: body.count, limit: Int(UInt32.max))
        }
        guard proof.count <= 255 else {
            throw WireEncodingError(kind: MessageKind.chat.name, field: "short byte field (octets)", size: proof.count, limit: 255)
        }
        let size = signature.count + 2 + 8 + 4 + body.count + 1 + proof.count
        bytes.removeAll(keepingCapacity: true)
        withUnsafeTemporaryAllocation(byteCount: size, alignment: 1) { frame in
            var at = frame.baseAddress!
            func put(_ octets: [UInt8]) {
                octets.withUnsafeBytes { if let from = $0.baseAddress { at.copyMemory(from: from, byteCount: $0.count) } }
                at += octets.count
            }
            put(signature)
            at.storeBytes(of: version, as: UInt8.self)
            at.storeBytes(of: MessageKind.chat.rawValue, toByteOffset: 1, as: UInt8.self)
            at.storeBytes(of: seq.bigEndian, toByteOffset: 2, as: UInt64.self)
            at.storeBytes(of: UInt32(body.count).bigEndian, toByteOffset: 10, as: UInt32.self)
            at += 14
            put(body)
            at.storeBytes(of: UInt8(proof.count), as: UInt8.self)
            at += 1
            put(proof)
            bytes.append(contentsOf: UnsafeRawBufferPointer(frame))
        }
    }
}
