import Testing
@testable import DICOMNetwork

/// Every cell of PS3.8 Table 9-10: each of the 13 states meets each of the 19 events.
@Suite struct UpperLayerTableTests {
    /// PS3.8 Table 9-10 written out by hand for this test, independently of
    /// `UpperLayer.transitionTable`; "." is an empty cell.
    static let standardTable = """
               Sta1 Sta2 Sta3 Sta4 Sta5 Sta6 Sta7 Sta8 Sta9 Sta10 Sta11 Sta12 Sta13
        Evt1   AE-1 .    .    .    .    .    .    .    .    .     .     .     .
        Evt2   .    .    .    AE-2 .    .    .    .    .    .     .     .     .
        Evt3   .    AA-1 AA-8 .    AE-3 AA-8 AA-8 AA-8 AA-8 AA-8  AA-8  AA-8  AA-6
        Evt4   .    AA-1 AA-8 .    AE-4 AA-8 AA-8 AA-8 AA-8 AA-8  AA-8  AA-8  AA-6
        Evt5   AE-5 .    .    .    .    .    .    .    .    .     .     .     .
        Evt6   .    AE-6 AA-8 .    AA-8 AA-8 AA-8 AA-8 AA-8 AA-8  AA-8  AA-8  AA-7
        Evt7   .    .    AE-7 .    .    .    .    .    .    .     .     .     .
        Evt8   .    .    AE-8 .    .    .    .    .    .    .     .     .     .
        Evt9   .    .    .    .    .    DT-1 .    AR-7 .    .     .     .     .
        Evt10  .    AA-1 AA-8 .    AA-8 DT-2 AR-6 AA-8 AA-8 AA-8  AA-8  AA-8  AA-6
        Evt11  .    .    .    .    .    AR-1 .    .    .    .     .     .     .
        Evt12  .    AA-1 AA-8 .    AA-8 AR-2 AR-8 AA-8 AA-8 AA-8  AA-8  AA-8  AA-6
        Evt13  .    AA-1 AA-8 .    AA-8 AA-8 AR-3 AA-8 AA-8 AR-10 AR-3  AA-8  AA-6
        Evt14  .    .    .    .    .    .    .    AR-4 AR-9 .     .     AR-4  .
        Evt15  .    .    AA-1 AA-2 AA-1 AA-1 AA-1 AA-1 AA-1 AA-1  AA-1  AA-1  .
        Evt16  .    AA-2 AA-3 .    AA-3 AA-3 AA-3 AA-3 AA-3 AA-3  AA-3  AA-3  AA-2
        Evt17  .    AA-5 AA-4 AA-4 AA-4 AA-4 AA-4 AA-4 AA-4 AA-4  AA-4  AA-4  AR-5
        Evt18  .    AA-2 .    .    .    .    .    .    .    .     .     .     AA-2
        Evt19  .    AA-1 AA-8 .    AA-8 AA-8 AA-8 AA-8 AA-8 AA-8  AA-8  AA-8  AA-7
        """

    /// `standardTable` parsed: [event number][state number] → action name, or nil.
    static let expected: [Int: [Int: String]] = {
        var rows: [Int: [Int: String]] = [:]
        let lines = standardTable.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let states = lines[0].map { Int($0.dropFirst(3))! }
        for cells in lines.dropFirst() {
            let event = Int(cells[0].dropFirst(3))!
            var row: [Int: String] = [:]
            for (state, cell) in zip(states, cells.dropFirst()) where cell != "." { row[state] = cell }
            rows[event] = row
        }
        return rows
    }()

    @Test func standardTableParsesToAllCells() {
        #expect(Self.expected.keys.sorted() == Array(1...19))
        let widths = Self.standardTable.split(separator: "\n").map { $0.split(separator: " ").count }
        #expect(widths == [13] + Array(repeating: 14, count: 19))
        // Cells with an entry, counted row by row (1+1+11+11+1+11+1+1+2+11+1+11+11+3+10+11+12+2+11).
        #expect(Self.expected.values.map(\.count).reduce(0, +) == 123)
    }

    @Test func tableShapeIsNineteenByThirteen() {
        #expect(UpperLayer.transitionTable.count == 19)
        #expect(UpperLayer.transitionTable.allSatisfy { $0.count == 13 })
        #expect(UpperLayer.action(forEvent: 0, in: .sta1) == nil)
        #expect(UpperLayer.action(forEvent: 20, in: .sta6) == nil)
    }

    /// The outputs and next state the standard's Tables 9-6 to 9-9 give for `action`, for
    /// the sample event of row `event` (the sample A-ASSOCIATE-RQ is acceptable, version 1).
    static func expectedEffect(of action: String, event: Int, isRequestor: Bool) -> ([ULOutput], ULState) {
        typealias F = ULFixtures
        // An unexpected PDU carries reason 2; the sample invalid PDU (Evt19) reason 1.
        let providerReason: AAbort.Reason = event == 19 ? .unrecognizedPDU : .unexpectedPDU
        let providerAbort = PDU.abort(AAbort(source: .serviceProvider, reason: providerReason))
        switch action {
        case "AE-1": return ([.connect], .sta4)
        case "AE-2": return ([.send(.associateRQ(F.request))], .sta5)
        case "AE-3": return ([.indicate(.associateAccepted(F.accept))], .sta6)
        case "AE-4": return ([.indicate(.associateRejected(F.reject)), .closeTransport], .sta1)
        case "AE-5": return ([.startARTIM], .sta2)
        case "AE-6": return ([.stopARTIM, .indicate(.associateRequest(F.request))], .sta3)
        case "AE-7": return ([.send(.associateAC(F.accept))], .sta6)
        case "AE-8": return ([.send(.associateRJ(F.reject)), .startARTIM], .sta13)
        case "DT-1": return ([.send(.pData(F.outgoing))], .sta6)
        case "DT-2": return ([.indicate(.pData(F.incoming))], .sta6)
        case "AR-1": return ([.send(.releaseRQ)], .sta7)
        case "AR-2": return ([.indicate(.releaseRequested)], .sta8)
        case "AR-3": return ([.indicate(.releaseConfirmed), .closeTransport], .sta1)
        case "AR-4": return ([.send(.releaseRP), .startARTIM], .sta13)
        case "AR-5": return ([.stopARTIM], .sta1)
        case "AR-6": return ([.indicate(.pData(F.incoming))], .sta7)
        case "AR-7": return ([.send(.pData(F.outgoing))], .sta8)
        case "AR-8": return ([.indicate(.releaseRequested)], isRequestor ? .sta9 : .sta10)
        case "AR-9": return ([.send(.releaseRP)], .sta11)
        case "AR-10": return ([.indicate(.releaseConfirmed)], .sta12)
        case "AA-1":
            let abort = event == 15 ? F.userAbort : AAbort(source: .serviceUser, reason: .notSpecified)
            return ([.send(.abort(abort)), .startARTIM], .sta13)
        case "AA-2": return ([.stopARTIM, .closeTransport], .sta1)
        case "AA-3": return ([.indicate(.aborted(F.userAbort)), .closeTransport], .sta1)
        case "AA-4": return ([.indicate(.transportClosed)], .sta1)
        case "AA-5": return ([.stopARTIM], .sta1)
        case "AA-6": return ([], .sta13)
        case "AA-7": return ([.send(providerAbort)], .sta13)
        case "AA-8": return ([.send(providerAbort), .indicate(.providerAborted(providerReason)), .startARTIM], .sta13)
        default: fatalError("no action \(action) in PS3.8 Tables 9-6 to 9-9")
        }
    }

    @Test(arguments: ULState.allCases, 1...19)
    func stateEventPair(state: ULState, event number: Int) {
        let expectedAction = Self.expected[number]?[state.rawValue]
        #expect(UpperLayer.action(forEvent: number, in: state)?.rawValue == expectedAction)
        for isRequestor in [true, false] {
            var machine = UpperLayer(state: state, isRequestor: isRequestor,
                                     pendingRequest: state == .sta4 ? ULFixtures.request : nil)
            let event = ULFixtures.event(number)
            #expect(event.number == number)
            #expect(machine.accepts(event) == (expectedAction != nil))
            let outputs = machine.handle(event)
            #expect(machine.lastAction?.rawValue == expectedAction, "\(state) + Evt\(number)")
            guard let expectedAction else {
                // An empty cell: nothing happens.
                #expect(outputs.isEmpty, "\(state) + Evt\(number)")
                #expect(machine.state == state)
                #expect(machine.isRequestor == isRequestor)
                continue
            }
            let (expectedOutputs, expectedNext) = Self.expectedEffect(of: expectedAction, event: number, isRequestor: isRequestor)
            #expect(outputs == expectedOutputs, "\(state) + Evt\(number) → \(expectedAction)")
            #expect(machine.state == expectedNext, "\(state) + Evt\(number) → \(expectedAction)")
            let role = expectedAction == "AE-1" ? true : expectedAction == "AE-5" ? false : isRequestor
            #expect(machine.isRequestor == role)
        }
    }
}
