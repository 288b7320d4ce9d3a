/// Where an attribute sits in a data set: the sequences and item indices that lead to it,
/// outermost first, then its tag. The DICOM JSON encoder and decoder hand it to bulk data
/// callbacks and name it in errors.
public struct AttributePath: Sendable, Hashable, CustomStringConvertible {
    /// One step down: item `item` (counted from 0) of the sequence `sequence`.
    public struct Step: Sendable, Hashable {
        public var sequence: Tag
        public var item: Int
        public init(sequence: Tag, item: Int) {
            self.sequence = sequence
            self.item = item
        }
    }

    public var steps: [Step]
    public var tag: Tag

    public init(_ tag: Tag, steps: [Step] = []) {
        self.tag = tag
        self.steps = steps
    }

    /// JSON keys and item indices separated by `/`: `00081115/0/00081199/2/00081155`, a form
    /// that can go into a bulk data URI as it is.
    public var description: String {
        var s = ""
        for step in steps { s += step.sequence.jsonKey + "/" + String(step.item) + "/" }
        return s + tag.jsonKey
    }
}
