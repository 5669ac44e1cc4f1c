import CSodium

/// Standard base64 without padding, libsodium's: the encoding of the PHC strings Argon2id
/// hashes are stored as (`Argon2Hasher`), and of the credentials a peer keeps (`MessageSealer`).
enum SodiumBase64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let variant = Int32(sodium_base64_VARIANT_ORIGINAL_NO_PADDING)
        var out = [CChar](repeating: 0, count: sodium_base64_encoded_len(bytes.count, variant))
        _ = sodium_bin2base64(&out, out.count, bytes, bytes.count, variant)
        return String(decoding: out.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
