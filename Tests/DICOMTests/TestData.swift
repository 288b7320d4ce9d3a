import Foundation
@testable import DICOM

/// Locates the real DICOM files the tests use: pydicom's `data/test_files` and
/// `data/charset_files` (the Makefile exports PYDICOM_DATA; otherwise python3 is asked).
enum TestData {
    static let pydicomData: String? = {
        if let p = ProcessInfo.processInfo.environment["PYDICOM_DATA"], !p.isEmpty { return p }
        let task = Process()
        task.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        task.arguments = ["python3", "-c", "import os, pydicom; print(os.path.join(os.path.dirname(pydicom.__file__), 'data'))"]
        let pipe = Pipe()
        task.standardOutput = pipe
        task.standardError = FileHandle.nullDevice
        guard (try? task.run()) != nil else { return nil }
        task.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return task.terminationStatus == 0 && !out.isEmpty ? out : nil
    }()

    /// Names that are not DICOM (documentation, dumps, JSON, archives, ICC profiles…).
    static let notDICOM: Set<String> = ["README", "README.txt", "README.md"]
    static let notDICOMExtensions: Set<String> = ["py", "pyc", "json", "txt", "md", "dump", "gz", "bz2", "icc", "zip", "xml"]

    /// Every DICOM file of pydicom's test_files and charset_files, as paths relative to `data`.
    static let corpus: [String] = {
        guard let root = pydicomData else { return [] }
        var out: [String] = []
        for dir in ["test_files", "charset_files"] {
            guard let e = FileManager.default.enumerator(atPath: root + "/" + dir) else { continue }
            while let rel = e.nextObject() as? String {
                let path = root + "/" + dir + "/" + rel
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
                let name = (rel as NSString).lastPathComponent
                let ext = (name as NSString).pathExtension.lowercased()
                if notDICOM.contains(name) || notDICOMExtensions.contains(ext) { continue }
                out.append(dir + "/" + rel)
            }
        }
        return out.sorted()
    }()

    static func path(_ rel: String) -> String { (pydicomData ?? "") + "/" + rel }

    /// The package root, from this source file's location.
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return "."
    }()
}
