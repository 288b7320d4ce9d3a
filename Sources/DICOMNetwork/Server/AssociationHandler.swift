import DICOM

/// Serves one accepted connection: negotiation, then requests until release or abort.
struct AssociationHandler {
    let server: DICOMServer
    let socket: TCPSocket
    let id: Int
    /// The server's settings when the connection arrived.
    let config: ServerConfiguration

    var provider: DICOMServiceProvider { server.provider }

    func run() {
        let association: Association
        do {
            association = try Association.accept(socket: socket, maxPDULength: config.maxPDULength, artimTimeout: config.artimTimeout,
                                                  dimseTimeout: config.dimseTimeout, observer: provider.observer,
                                                  label: String(id)) { rq in
                let decision = provider.negotiate(rq, peerAddress: socket.peerAddress, ourAETitle: config.aeTitle)
                switch decision {
                case let .reject(rj):
                    provider.event(.associationRejected(calling: rq.callingAETitle, called: rq.calledAETitle, address: socket.peerAddress, reason: rj.reason.text))
                case let .accept(ac):
                    // With no context accepted the association still succeeds: the A-ASSOCIATE-AC
                    // carries each context's reason, which is what peers report to their users.
                    let n = ac.presentationContexts.filter { $0.result == .acceptance }.count
                    provider.event(.associationAccepted(id: id, calling: rq.callingAETitle, called: rq.calledAETitle, address: socket.peerAddress, contexts: n))
                }
                return decision
            }
        } catch {
            switch error {
            case .rejected: break
            case .transport(.closed):
                // A port probe or health check: connected and closed without a word.
                provider.event(.connectionClosedBeforeAssociation(address: socket.peerAddress))
            default:
                provider.event(.failure("connection from \(socket.peerAddress): \(error)"))
            }
            socket.close()
            return
        }
        let ctx = ServiceContext(callingAETitle: association.callingAETitle, calledAETitle: association.calledAETitle,
                                 peerAddress: socket.peerAddress, associationID: id)
        let dispatcher = RequestDispatcher(association: association, provider: provider, context: ctx, config: config)
        while true {
            do {
                let m = try association.receive(timeout: config.idleTimeout)
                try dispatcher.handle(m)
            } catch {
                switch error {
                case .released: provider.event(.associationEnded(id: id, how: "released"))
                case let .aborted(a): provider.event(.associationEnded(id: id, how: a.description))
                case let .timedOut(s): provider.event(.associationEnded(id: id, how: "aborted: idle \(s)"))
                default: provider.event(.associationEnded(id: id, how: "aborted: \(error)"))
                }
                association.abort()
                return
            }
        }
    }
}
