/// Every section of the appliance's settings.
public struct Settings: Sendable, Equatable {
    public var dicom: DICOMSettings
    public var network: NetworkSettings
    public var http: HTTPSettings
    public var worklist: WorklistSettings

    public init(dicom: DICOMSettings = DICOMSettings(), network: NetworkSettings = NetworkSettings(),
                http: HTTPSettings = HTTPSettings(), worklist: WorklistSettings = WorklistSettings()) {
        self.dicom = dicom
        self.network = network
        self.http = http
        self.worklist = worklist
    }

    /// The section of type `S`.
    public func section<S: SettingsSection>(_: S.Type) -> S {
        switch S.section {
        case DICOMSettings.section: return dicom as! S
        case NetworkSettings.section: return network as! S
        case HTTPSettings.section: return http as! S
        default: return worklist as! S
        }
    }

    public mutating func replace<S: SettingsSection>(_ s: S) {
        switch s {
        case let d as DICOMSettings: dicom = d
        case let n as NetworkSettings: network = n
        case let h as HTTPSettings: http = h
        case let w as WorklistSettings: worklist = w
        default: break
        }
    }

    /// Every rule broken, in all sections, and the port conflicts.
    public func validate() -> [SettingsError] {
        dicom.validate() + network.validate() + http.validate() + worklist.validate() + portConflicts()
    }

    /// The listeners that must not share a port (0 excepted), by section.
    var listeners: [(section: String, name: String, port: Int)] {
        [(DICOMSettings.section, "DICOM server", dicom.port), (HTTPSettings.section, "web server", http.port),
         (WorklistSettings.section, "worklist", worklist.port)]
    }

    /// `port_conflict` for each pair of listeners on the same port. With `focus`, only the
    /// conflicts of that section's port, worded for someone editing it.
    public func portConflicts(focus: String? = nil) -> [SettingsError] {
        var out: [SettingsError] = []
        let l = listeners
        for i in l.indices {
            for j in l.indices where j > i && l[i].port != 0 && l[i].port == l[j].port {
                if let f = focus {
                    guard f == l[i].section || f == l[j].section else { continue }
                    let other = f == l[i].section ? l[j] : l[i]
                    out.append(SettingsError(.portConflict, "port \(l[i].port) is already the \(other.name)'s port: choose another port (the DICOM, web and worklist ports must differ; 0 disables)", field: "port"))
                } else {
                    out.append(SettingsError(.portConflict, "the \(l[i].name) and the \(l[j].name) both use port \(l[i].port): give each its own port (0 disables)", field: "port"))
                }
            }
        }
        return out
    }

    /// These settings with the values of one run's flags and environment variables.
    public func applying(_ o: SettingsOverrides) -> Settings {
        var s = self
        for (name, value) in o.values(for: DICOMSettings.section) { try? s.dicom.set(name, value) }
        for (name, value) in o.values(for: HTTPSettings.section) { try? s.http.set(name, value) }
        for (name, value) in o.values(for: WorklistSettings.section) { try? s.worklist.set(name, value) }
        return s
    }
}

/// Values given for one run (command-line flags, environment variables). They win over the
/// stored settings for that run and are never written to the data directory.
public struct SettingsOverrides: Sendable, Equatable {
    public var dicomAETitle: String?
    public var dicomPort: Int?
    public var debugMode: Bool?
    public var acceptUnknownStorers: Bool?
    public var httpPort: Int?
    /// `--ssl on|off`: HTTPS on or off for this run (off is the way back in when the stored
    /// certificate no longer loads).
    public var httpSSL: Bool?
    public var worklistPort: Int?

    public init(dicomAETitle: String? = nil, dicomPort: Int? = nil, debugMode: Bool? = nil, acceptUnknownStorers: Bool? = nil,
                httpPort: Int? = nil, httpSSL: Bool? = nil, worklistPort: Int? = nil) {
        self.dicomAETitle = dicomAETitle
        self.dicomPort = dicomPort
        self.debugMode = debugMode
        self.acceptUnknownStorers = acceptUnknownStorers
        self.httpPort = httpPort
        self.httpSSL = httpSSL
        self.worklistPort = worklistPort
    }

    public var isEmpty: Bool { self == SettingsOverrides() }

    /// The overridden fields of a section, by field name.
    public func values(for section: String) -> [String: SettingsValue] {
        var out: [String: SettingsValue] = [:]
        switch section {
        case DICOMSettings.section:
            if let v = dicomAETitle { out["aeTitle"] = .string(v) }
            if let v = dicomPort { out["port"] = .int(v) }
            if let v = debugMode { out["debugMode"] = .bool(v) }
            if let v = acceptUnknownStorers { out["acceptUnknownStorers"] = .bool(v) }
        case HTTPSettings.section:
            if let v = httpPort { out["port"] = .int(v) }
            if let v = httpSSL { out["sslEnabled"] = .bool(v) }
        case WorklistSettings.section:
            if let v = worklistPort { out["port"] = .int(v) }
        default: break
        }
        return out
    }

    /// Drops the override of one field (it lapses once an administrator changes the field).
    public mutating func remove(section: String, field: String) {
        switch (section, field) {
        case (DICOMSettings.section, "aeTitle"): dicomAETitle = nil
        case (DICOMSettings.section, "port"): dicomPort = nil
        case (DICOMSettings.section, "debugMode"): debugMode = nil
        case (DICOMSettings.section, "acceptUnknownStorers"): acceptUnknownStorers = nil
        case (HTTPSettings.section, "port"): httpPort = nil
        case (HTTPSettings.section, "sslEnabled"): httpSSL = nil
        case (WorklistSettings.section, "port"): worklistPort = nil
        default: break
        }
    }
}
