/// Settings of a DICOM acceptor.
public struct ServerConfiguration: Sendable {
    public var aeTitle: String
    public var host: String
    public var port: Int
    /// Associations served at once; more are rejected (transient, local limit exceeded).
    public var maxAssociations: Int
    /// Largest P-DATA-TF we receive (offered in A-ASSOCIATE-AC), 16 KiB to 1 MiB.
    public var maxPDULength: UInt32
    /// ARTIM: how long a new connection may take to send its A-ASSOCIATE-RQ (PS3.8 §9.1.5).
    public var artimTimeout: Double
    /// How long to wait for a peer's answer in the middle of an operation.
    public var dimseTimeout: Double
    /// How long an established association may stay silent between requests.
    public var idleTimeout: Double

    public init(aeTitle: String, host: String = "0.0.0.0", port: Int, maxAssociations: Int = 64,
                maxPDULength: UInt32 = 256 * 1024, artimTimeout: Double = 30, dimseTimeout: Double = 30, idleTimeout: Double = 300) {
        self.aeTitle = aeTitle
        self.host = host
        self.port = port
        self.maxAssociations = maxAssociations
        self.maxPDULength = min(max(maxPDULength, 16 * 1024), 1 << 20)
        self.artimTimeout = artimTimeout
        self.dimseTimeout = dimseTimeout
        self.idleTimeout = idleTimeout
    }
}
