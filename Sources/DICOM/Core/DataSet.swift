/// An ordered collection of data elements (PS3.5 §7): kept sorted by tag, as it is encoded.
public struct DataSet: Sendable, Equatable, Hashable, Sequence {
    public private(set) var elements: [DataElement] = []

    public init() {}
    public init(_ elements: [DataElement]) {
        for e in elements { self[e.tag] = e }
    }

    public var count: Int { elements.count }
    public var isEmpty: Bool { elements.isEmpty }
    public func makeIterator() -> IndexingIterator<[DataElement]> { elements.makeIterator() }

    /// Binary search: the index of `tag`, or where it would be inserted.
    private func position(of tag: Tag) -> (index: Int, found: Bool) {
        if let last = elements.last, last.tag < tag { return (elements.count, false) }
        var lo = 0, hi = elements.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if elements[mid].tag < tag { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < elements.count && elements[lo].tag == tag)
    }

    public func contains(_ tag: Tag) -> Bool { position(of: tag).found }

    /// Reads, replaces, inserts or (with nil) removes the element with `tag`.
    public subscript(tag: Tag) -> DataElement? {
        get {
            let p = position(of: tag)
            return p.found ? elements[p.index] : nil
        }
        set {
            let p = position(of: tag)
            switch (newValue, p.found) {
            case let (e?, true): elements[p.index] = e
            case let (e?, false): elements.insert(e, at: p.index)
            case (nil, true): elements.remove(at: p.index)
            case (nil, false): break
            }
        }
    }

    /// Appends an element known to sort after every element already present (the reader's fast
    /// path); falls back to an ordered insert otherwise.
    public mutating func append(_ element: DataElement) {
        if let last = elements.last, !(last.tag < element.tag) {
            self[element.tag] = element
        } else {
            elements.append(element)
        }
    }

    @discardableResult
    public mutating func remove(_ tag: Tag) -> DataElement? {
        let e = self[tag]
        self[tag] = nil
        return e
    }

    /// Elements of one group, e.g. the file meta information (0002).
    public func group(_ group: UInt16) -> DataSet {
        DataSet(elements.filter { $0.tag.group == group })
    }

    /// Removes every element of `group`, returning them.
    public mutating func removeGroup(_ group: UInt16) {
        elements.removeAll { $0.tag.group == group }
    }

    /// For a private element, the name of its private creator (PS3.5 §7.8.1), if present.
    public func privateCreator(of tag: Tag) -> String? {
        guard let creatorTag = tag.privateCreatorTag, let e = self[creatorTag] else { return nil }
        return String(decoding: e.bytes.array, as: UTF8.self).trimmingDICOMPadding()
    }
}

extension String {
    /// Removes trailing spaces and NULs (the padding of PS3.5 §6.2) and leading spaces.
    public func trimmingDICOMPadding(leading: Bool = true) -> String {
        var s = Substring(self)
        while let c = s.last, c == " " || c == "\0" { s = s.dropLast() }
        if leading { while let c = s.first, c == " " { s = s.dropFirst() } }
        return String(s)
    }
}
