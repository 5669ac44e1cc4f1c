// libFuzzer target for the wire decoder: any bytes must decode to a message or a WireError,
// never crash, and whatever decodes must encode back to the same bytes.
// Build and run: scripts/fuzz.sh wire [seconds]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWireDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? WireCodec.decode(bytes) {
        let again = try? WireCodec.encode(message)
        precondition(again == bytes, "decode/encode round trip changed the bytes (or a decoded message did not encode)")
    }
    return 0
}
