#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL

/// What a certificate says about itself, for an administrator (and the admin API).
public struct TLSCertificateInfo: Sendable, Equatable {
    /// The leaf's subject, RFC 4514 form ("CN=pacs.example.org,O=Hospital").
    public var subject: String
    /// The leaf's issuer, in the same form.
    public var issuer: String
    /// Subject alternative names, each as "DNS:name", "IP:address", "email:…" or "URI:…".
    public var subjectAlternativeNames: [String]
    /// Start and end of the leaf's validity, in seconds since 1970 (UTC).
    public var notBefore: Int64
    public var notAfter: Int64
    /// The leaf's serial number in hexadecimal.
    public var serialNumber: String
    /// SHA-256 of the leaf's DER form, as colon-separated uppercase hexadecimal.
    public var sha256Fingerprint: String
    /// The key's algorithm and size, such as "EC 256 bits" or "RSA 2048 bits".
    public var keyDescription: String
    /// Certificates in the chain, the leaf included.
    public var chainLength: Int

    public init(subject: String, issuer: String, subjectAlternativeNames: [String], notBefore: Int64, notAfter: Int64,
                serialNumber: String, sha256Fingerprint: String, keyDescription: String, chainLength: Int) {
        self.subject = subject
        self.issuer = issuer
        self.subjectAlternativeNames = subjectAlternativeNames
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.serialNumber = serialNumber
        self.sha256Fingerprint = sha256Fingerprint
        self.keyDescription = keyDescription
        self.chainLength = chainLength
    }
}

/// Why a certificate and key pair cannot be used. Each `description` is one line naming
/// the file (or the uploaded part) and what to do about it.
public enum TLSCertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read: missing, no permission, a folder.
    case unreadable(file: String, reason: String)
    /// No PEM certificate ("-----BEGIN CERTIFICATE-----") could be read from it.
    case certificateNotPEM(source: String)
    /// No PEM private key could be read from it.
    case keyNotPEM(source: String)
    /// The key is encrypted and no passphrase was given.
    case encryptedKey(source: String)
    /// The key is encrypted and the passphrase given does not open it.
    case wrongPassphrase(source: String)
    /// The key is not the one the certificate was issued for.
    case keyMismatch(keySource: String, certificateSource: String, subject: String)
    /// A certificate of the chain is past its end of validity.
    case expired(source: String, subject: String, notAfter: Int64)
    /// A certificate of the chain is not valid yet.
    case notYetValid(source: String, subject: String, notBefore: Int64)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot be read (\(reason)); check the path and that the server's user may read it"
        case let .certificateNotPEM(source):
            return "\(source): no PEM certificate in it (expected -----BEGIN CERTIFICATE-----); give the certificate chain "
                + "in PEM form, leaf first (convert DER with: openssl x509 -inform der -in FILE -out FILE.pem)"
        case let .keyNotPEM(source):
            return "\(source): no PEM private key in it (expected -----BEGIN PRIVATE KEY-----); give the private key "
                + "in PEM form (convert DER with: openssl pkey -inform der -in FILE -out FILE.pem)"
        case let .encryptedKey(source):
            return "\(source): the private key is encrypted and no passphrase was given; give its passphrase, or store "
                + "it decrypted with: openssl pkey -in FILE -out plain.pem (and restrict who may read it)"
        case let .wrongPassphrase(source):
            return "\(source): the passphrase given does not decrypt the private key; give the right passphrase"
        case let .keyMismatch(keySource, certificateSource, subject):
            return "\(keySource): this private key does not belong to the certificate \(certificateSource) (\(subject)); "
                + "give the key the certificate was issued for"
        case let .expired(source, subject, notAfter):
            return "\(source): the certificate \(subject) expired on \(Self.format(notAfter)); "
                + "renew it and install the new certificate and key"
        case let .notYetValid(source, subject, notBefore):
            return "\(source): the certificate \(subject) is not valid before \(Self.format(notBefore)); "
                + "install it from then on, or check this server's clock"
        }
    }

    /// "2021-01-01 00:00:00 UTC".
    static func format(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday)) "
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) UTC"
    }
}

/// Checks a certificate chain and its private key before use: both load as PEM, the key
/// is the certificate's, and every certificate of the chain is valid now.
public enum TLSCertificateCheck {
    /// Checks a pair of files (the chain leaf first, then intermediates) without installing them.
    public static func check(certificateChainFile: String, privateKeyFile: String,
                             passphrase: String? = nil) throws(TLSCertificateError) -> TLSCertificateInfo {
        try TLSCertificatePair(certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile,
                               passphrase: passphrase).info
    }

    /// Checks an uploaded pair (PEM bytes of the chain and of the key) without installing it.
    /// Errors name the parts "uploaded certificate" and "uploaded private key".
    public static func validate(certificatePEM: [UInt8], privateKeyPEM: [UInt8],
                                passphrase: String? = nil) throws(TLSCertificateError) -> TLSCertificateInfo {
        try TLSCertificatePair(certificatePEM: certificatePEM, certificateSource: TLSCertificatePair.uploadedCertificate,
                               keyPEM: privateKeyPEM, keySource: TLSCertificatePair.uploadedKey,
                               passphrase: passphrase).info
    }
}

/// A loaded and checked chain with its key (OpenSSL objects, freed at deinit).
final class TLSCertificatePair {
    static let uploadedCertificate = "uploaded certificate"
    static let uploadedKey = "uploaded private key"
    /// PEM files are small; anything larger is not one.
    static let maxFileSize = 4 << 20

    let leaf: OpaquePointer
    /// The certificates after the leaf.
    let intermediates: [OpaquePointer]
    let key: OpaquePointer
    let info: TLSCertificateInfo

    convenience init(certificateChainFile: String, privateKeyFile: String, passphrase: String?) throws(TLSCertificateError) {
        let cert = try Self.readFile(certificateChainFile)
        let key = try Self.readFile(privateKeyFile)
        try self.init(certificatePEM: cert, certificateSource: certificateChainFile, keyPEM: key, keySource: privateKeyFile,
                      passphrase: passphrase)
    }

    init(certificatePEM: [UInt8], certificateSource: String, keyPEM: [UInt8], keySource: String,
         passphrase: String?, now: Int64 = Int64(time(nil))) throws(TLSCertificateError) {
        ERR_clear_error()
        defer { ERR_clear_error() }
        let certificates = Self.readCertificates(certificatePEM)
        guard let leaf = certificates.first else { throw .certificateNotPEM(source: certificateSource) }
        var owned = certificates
        defer { for c in owned { X509_free(c) } }
        let key = try Self.readKey(keyPEM, source: keySource, passphrase: passphrase)
        var keyOwned: OpaquePointer? = key
        defer { if let keyOwned { EVP_PKEY_free(keyOwned) } }

        let subject = Self.name(X509_get_subject_name(leaf))
        guard X509_check_private_key(leaf, key) == 1 else {
            throw .keyMismatch(keySource: keySource, certificateSource: certificateSource, subject: subject)
        }
        for c in certificates {
            let s = Self.name(X509_get_subject_name(c))
            let from = Self.seconds(X509_get0_notBefore(c)) ?? Int64.min
            let until = Self.seconds(X509_get0_notAfter(c)) ?? Int64.max
            if now < from { throw .notYetValid(source: certificateSource, subject: s, notBefore: from) }
            if now > until { throw .expired(source: certificateSource, subject: s, notAfter: until) }
        }
        info = TLSCertificateInfo(
            subject: subject,
            issuer: Self.name(X509_get_issuer_name(leaf)),
            subjectAlternativeNames: Self.alternativeNames(leaf),
            notBefore: Self.seconds(X509_get0_notBefore(leaf)) ?? 0,
            notAfter: Self.seconds(X509_get0_notAfter(leaf)) ?? 0,
            serialNumber: Self.serial(leaf),
            sha256Fingerprint: Self.fingerprint(leaf),
            keyDescription: Self.describe(key),
            chainLength: certificates.count)
        self.leaf = leaf
        intermediates = Array(certificates.dropFirst())
        self.key = key
        owned = []
        keyOwned = nil
    }

    deinit {
        X509_free(leaf)
        for c in intermediates { X509_free(c) }
        EVP_PKEY_free(key)
    }

    // MARK: Reading

    static func readFile(_ path: String) throws(TLSCertificateError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(file: path, reason: String(cString: strerror(errno))) }
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .unreadable(file: path, reason: String(cString: strerror(errno))) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw .unreadable(file: path, reason: "it is a folder") }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while out.count <= maxFileSize {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(file: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            out += buf[0..<n]
        }
        return out
    }

    /// Every PEM certificate in `bytes`, in order (empty when there is none or one is damaged).
    static func readCertificates(_ bytes: [UInt8]) -> [OpaquePointer] {
        guard bytes.count <= maxFileSize else { return [] }
        return bytes.withUnsafeBytes { raw -> [OpaquePointer] in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return [] }
            defer { BIO_free(bio) }
            var out: [OpaquePointer] = []
            // The leaf may carry trust settings ("TRUSTED CERTIFICATE"), as OpenSSL's own chain loader allows.
            guard let leaf = PEM_read_bio_X509_AUX(bio, nil, nil, nil) else { return [] }
            out.append(leaf)
            while let c = PEM_read_bio_X509(bio, nil, nil, nil) { out.append(c) }
            // The end of the input shows as "no start line"; anything else is a damaged block.
            let code = ERR_peek_last_error()
            if code != 0 && (code & 0x7F_FFFF) != UInt(PEM_R_NO_START_LINE) {
                for c in out { X509_free(c) }
                return []
            }
            ERR_clear_error()
            return out
        }
    }

    /// What the passphrase callback was given and whether OpenSSL asked for it.
    final class PassphraseRequest {
        let passphrase: [UInt8]?
        var asked = false
        init(_ passphrase: String?) { self.passphrase = passphrase.map { Array($0.utf8) } }
    }

    static func readKey(_ bytes: [UInt8], source: String, passphrase: String?) throws(TLSCertificateError) -> OpaquePointer {
        guard bytes.count <= maxFileSize else { throw .keyNotPEM(source: source) }
        let request = PassphraseRequest(passphrase)
        let key: OpaquePointer? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return withExtendedLifetime(request) {
                // Never OpenSSL's default, which would prompt on the terminal.
                PEM_read_bio_PrivateKey(bio, nil, { buf, size, _, context in
                    guard let buf, let context else { return -1 }
                    let request = Unmanaged<PassphraseRequest>.fromOpaque(context).takeUnretainedValue()
                    request.asked = true
                    guard let p = request.passphrase, p.count <= Int(size) else { return -1 }
                    p.withUnsafeBytes { UnsafeMutableRawPointer(buf).copyMemory(from: $0.baseAddress!, byteCount: p.count) }
                    return Int32(p.count)
                }, Unmanaged.passUnretained(request).toOpaque())
            }
        }
        if let key { return key }
        if request.asked { throw passphrase == nil ? .encryptedKey(source: source) : .wrongPassphrase(source: source) }
        // An encrypted PEM whose cipher the callback was never consulted for still says so.
        let text = String(decoding: bytes.prefix(65536), as: UTF8.self)
        if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED") {
            throw passphrase == nil ? .encryptedKey(source: source) : .wrongPassphrase(source: source)
        }
        throw .keyNotPEM(source: source)
    }

    // MARK: Describing

    /// The text written to a memory BIO by `body`.
    static func text(_ body: (OpaquePointer) -> Void) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        body(bio)
        let n = Int(BIO_ctrl_pending(bio))
        guard n > 0 else { return "" }
        var buf = [UInt8](repeating: 0, count: n)
        let got = BIO_read(bio, &buf, Int32(n))
        return String(decoding: buf.prefix(max(0, Int(got))), as: UTF8.self)
    }

    /// RFC 4514 form, UTF-8 kept as is (control characters escaped).
    static func name(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        return text { _ = X509_NAME_print_ex($0, name, 0, swiftpacs_name_print_flags) }
    }

    static func seconds(_ t: UnsafePointer<ASN1_TIME>?) -> Int64? {
        guard let t else { return nil }
        var tm = tm()
        guard ASN1_TIME_to_tm(t, &tm) == 1 else { return nil }
        return Int64(timegm(&tm))
    }

    static func serial(_ cert: OpaquePointer) -> String {
        guard let serial = X509_get_serialNumber(cert) else { return "" }
        return text { _ = i2a_ASN1_INTEGER($0, serial) }
    }

    static func fingerprint(_ cert: OpaquePointer) -> String {
        var md = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var len: UInt32 = 0
        guard X509_digest(cert, EVP_sha256(), &md, &len) == 1 else { return "" }
        let hex = Array("0123456789ABCDEF")
        return md.prefix(Int(len)).map { String([hex[Int($0 >> 4)], hex[Int($0 & 15)]]) }.joined(separator: ":")
    }

    static func describe(_ key: OpaquePointer) -> String {
        let type = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "key"
        return "\(type) \(EVP_PKEY_get_bits(key)) bits"
    }

    static func alternativeNames(_ cert: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(cert, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        var out: [String] = []
        for i in 0..<OPENSSL_sk_num(names) {
            guard let p = OPENSSL_sk_value(names, i)?.assumingMemoryBound(to: GENERAL_NAME.self) else { continue }
            let n = p.pointee
            switch n.type {
            case GEN_DNS: out.append("DNS:" + string(n.d.dNSName))
            case GEN_EMAIL: out.append("email:" + string(n.d.rfc822Name))
            case GEN_URI: out.append("URI:" + string(n.d.uniformResourceIdentifier))
            case GEN_IPADD: out.append("IP:" + address(n.d.iPAddress))
            default: out.append("other:\(n.type)")
            }
        }
        return out
    }

    static func bytes(_ s: UnsafeMutablePointer<ASN1_STRING>?) -> [UInt8] {
        guard let s, let data = ASN1_STRING_get0_data(s) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(s))))
    }

    static func string(_ s: UnsafeMutablePointer<ASN1_STRING>?) -> String { String(decoding: bytes(s), as: UTF8.self) }

    static func address(_ s: UnsafeMutablePointer<ASN1_STRING>?) -> String {
        var b = bytes(s)
        var out = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch b.count {
        case 4: _ = inet_ntop(AF_INET, &b, &out, socklen_t(out.count))
        case 16: _ = inet_ntop(AF_INET6, &b, &out, socklen_t(out.count))
        default: return b.map { String($0) }.joined(separator: ".")
        }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
