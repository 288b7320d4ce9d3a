import DICOM

extension Association {
    /// Requests an association (PS3.8 §9.2, requestor side: Sta1 → Sta4 → Sta5 → Sta6).
    /// Throws `.rejected` with the peer's reason, or a transport error naming what failed.
    public static func request(host: String, port: Int, request: AssociateRQ, maxPDULength: UInt32 = 1 << 20,
                               connectTimeout: Double = 10, dimseTimeout: Double? = 30,
                               observer: AssociationObserver? = nil) throws(AssociationError) -> Association {
        var rq = request
        rq.userInformation.maximumLength = maxPDULength
        if rq.userInformation.implementationClassUID.isEmpty {
            rq.userInformation.implementationClassUID = Implementation.classUID
            rq.userInformation.implementationVersionName = Implementation.versionName
        }
        let socket: TCPSocket
        do { socket = try TCPSocket.connect(host: host, port: port, timeout: connectTimeout) } catch { throw .transport(error) }
        if let t = dimseTimeout { socket.setSendTimeout(max(t, 5)) }
        let a = Association(role: .requestor, socket: socket, request: rq, ourMaxPDULength: maxPDULength,
                            dimseTimeout: dimseTimeout, artimTimeout: connectTimeout, observer: observer)
        try a.fire(.associateRequest(rq))
        try a.fire(.transportConnectConfirm)
        while true {
            for i in try a.receiveEvent(timeout: dimseTimeout ?? 30) {
                switch i {
                case let .associateAccepted(ac):
                    a.adopt(ac)
                    return a
                case let .associateRejected(rj):
                    a.closeTransport()
                    throw .rejected(rj)
                case let .aborted(ab):
                    a.closeTransport()
                    throw .aborted(ab)
                case let .providerAborted(reason):
                    a.closeTransport()
                    throw .aborted(AAbort(source: .serviceProvider, reason: reason))
                case .transportClosed:
                    a.closeTransport()
                    throw .transport(.closed)
                default: continue
                }
            }
            if a.isClosed { throw .protocolError("the peer answered the association request with something other than A-ASSOCIATE-AC or -RJ") }
        }
    }

    /// Records what the acceptor agreed to.
    func adopt(_ ac: AssociateAC) {
        acceptance = ac
        // Each side announces what it receives: the requestor's limit is in the RQ.
        peerMaxPDULength = role == .requestor ? ac.userInformation.maximumLength : request.userInformation.maximumLength
        let proposed = Dictionary(request.presentationContexts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for pc in ac.presentationContexts where pc.result == .acceptance {
            guard let rq = proposed[pc.id] else { continue }
            let scp = ac.userInformation.roleSelections.first { $0.sopClassUID == rq.abstractSyntax }?.scpRole ?? false
            contexts[pc.id] = AcceptedContext(id: pc.id, abstractSyntax: rq.abstractSyntax,
                                              transferSyntax: TransferSyntax.forUID(pc.transferSyntax), peerIsSCP: scp)
        }
    }

    /// Accepts a connection as the acceptor (Sta1 → Sta2 → Sta3 → Sta6): reads the
    /// A-ASSOCIATE-RQ and lets `decide` answer it. Throws `.rejected` after sending the rejection.
    public static func accept(socket: TCPSocket, maxPDULength: UInt32, artimTimeout: Double = 30,
                              dimseTimeout: Double? = 30, observer: AssociationObserver? = nil, label: String = "",
                              decide: (AssociateRQ) -> AssociationDecision) throws(AssociationError) -> Association {
        let placeholder = AssociateRQ(calledAETitle: "", callingAETitle: "", presentationContexts: [], userInformation: UserInformation())
        let a = Association(role: .acceptor, socket: socket, request: placeholder, ourMaxPDULength: maxPDULength,
                            dimseTimeout: dimseTimeout, artimTimeout: artimTimeout, observer: observer)
        a.label = label
        if let t = dimseTimeout { socket.setSendTimeout(max(t, 5)) }
        try a.fire(.transportConnectIndication)
        while true {
            for i in try a.receiveEvent(timeout: artimTimeout) {
                guard case let .associateRequest(rq) = i else {
                    if case .transportClosed = i { throw .transport(.closed) }
                    continue
                }
                a.request = rq
                switch decide(rq) {
                case var .accept(ac):
                    ac.userInformation.maximumLength = maxPDULength
                    try a.fire(.associateAccept(ac))
                    a.adopt(ac)
                    return a
                case let .reject(rj):
                    try a.fire(.associateReject(rj))
                    // Sta13: wait (ARTIM) for the requestor to close.
                    _ = try? a.receiveEvent(timeout: artimTimeout)
                    a.closeTransport()
                    throw .rejected(rj)
                }
            }
            if a.isClosed { throw .transport(.closed) }
        }
    }
}

/// The acceptor's answer to an A-ASSOCIATE-RQ.
public enum AssociationDecision: Sendable {
    case accept(AssociateAC)
    case reject(AssociateRJ)
}
