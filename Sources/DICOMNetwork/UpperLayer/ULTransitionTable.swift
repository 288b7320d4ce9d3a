extension UpperLayer {
    /// PS3.8 Table 9-10, the state transition table, as data: one row per event (Evt1 at
    /// index 0 … Evt19 at index 18), one column per state (Sta1 at index 0 … Sta13 at
    /// index 12). `nil` is a cell the standard leaves empty: the event cannot happen, or
    /// must not be issued, in that state (see `UpperLayer.handle`).
    public static let transitionTable: [[ULAction?]] = [
        //                                     Sta1  Sta2  Sta3  Sta4  Sta5  Sta6  Sta7  Sta8  Sta9  Sta10 Sta11  Sta12 Sta13
        /* Evt1  A-ASSOCIATE request      */ [.ae1, nil,  nil,  nil,  nil,  nil,  nil,  nil,  nil,  nil,  nil,   nil,  nil],
        /* Evt2  transport connect conf.  */ [nil,  nil,  nil,  .ae2, nil,  nil,  nil,  nil,  nil,  nil,  nil,   nil,  nil],
        /* Evt3  A-ASSOCIATE-AC PDU       */ [nil,  .aa1, .aa8, nil,  .ae3, .aa8, .aa8, .aa8, .aa8, .aa8, .aa8,  .aa8, .aa6],
        /* Evt4  A-ASSOCIATE-RJ PDU       */ [nil,  .aa1, .aa8, nil,  .ae4, .aa8, .aa8, .aa8, .aa8, .aa8, .aa8,  .aa8, .aa6],
        /* Evt5  transport connect ind.   */ [.ae5, nil,  nil,  nil,  nil,  nil,  nil,  nil,  nil,  nil,  nil,   nil,  nil],
        /* Evt6  A-ASSOCIATE-RQ PDU       */ [nil,  .ae6, .aa8, nil,  .aa8, .aa8, .aa8, .aa8, .aa8, .aa8, .aa8,  .aa8, .aa7],
        /* Evt7  A-ASSOCIATE resp. accept */ [nil,  nil,  .ae7, nil,  nil,  nil,  nil,  nil,  nil,  nil,  nil,   nil,  nil],
        /* Evt8  A-ASSOCIATE resp. reject */ [nil,  nil,  .ae8, nil,  nil,  nil,  nil,  nil,  nil,  nil,  nil,   nil,  nil],
        /* Evt9  P-DATA request           */ [nil,  nil,  nil,  nil,  nil,  .dt1, nil,  .ar7, nil,  nil,  nil,   nil,  nil],
        /* Evt10 P-DATA-TF PDU            */ [nil,  .aa1, .aa8, nil,  .aa8, .dt2, .ar6, .aa8, .aa8, .aa8, .aa8,  .aa8, .aa6],
        /* Evt11 A-RELEASE request        */ [nil,  nil,  nil,  nil,  nil,  .ar1, nil,  nil,  nil,  nil,  nil,   nil,  nil],
        /* Evt12 A-RELEASE-RQ PDU         */ [nil,  .aa1, .aa8, nil,  .aa8, .ar2, .ar8, .aa8, .aa8, .aa8, .aa8,  .aa8, .aa6],
        /* Evt13 A-RELEASE-RP PDU         */ [nil,  .aa1, .aa8, nil,  .aa8, .aa8, .ar3, .aa8, .aa8, .ar10, .ar3, .aa8, .aa6],
        /* Evt14 A-RELEASE response       */ [nil,  nil,  nil,  nil,  nil,  nil,  nil,  .ar4, .ar9, nil,  nil,   .ar4, nil],
        /* Evt15 A-ABORT request          */ [nil,  nil,  .aa1, .aa2, .aa1, .aa1, .aa1, .aa1, .aa1, .aa1, .aa1,  .aa1, nil],
        /* Evt16 A-ABORT PDU              */ [nil,  .aa2, .aa3, nil,  .aa3, .aa3, .aa3, .aa3, .aa3, .aa3, .aa3,  .aa3, .aa2],
        /* Evt17 transport closed         */ [nil,  .aa5, .aa4, .aa4, .aa4, .aa4, .aa4, .aa4, .aa4, .aa4, .aa4,  .aa4, .ar5],
        /* Evt18 ARTIM timer expired      */ [nil,  .aa2, nil,  nil,  nil,  nil,  nil,  nil,  nil,  nil,  nil,   nil,  .aa2],
        /* Evt19 unrecognised/invalid PDU */ [nil,  .aa1, .aa8, nil,  .aa8, .aa8, .aa8, .aa8, .aa8, .aa8, .aa8,  .aa8, .aa7],
    ]

    /// The action PS3.8 Table 9-10 gives for event number `event` (1…19) in `state`, or nil
    /// where the table has no entry.
    public static func action(forEvent event: Int, in state: ULState) -> ULAction? {
        guard (1...19).contains(event) else { return nil }
        return transitionTable[event - 1][state.rawValue - 1]
    }
}
