import DICOM
import DICOMNetwork
#if canImport(Glibc)
import Glibc
#endif

/// Writes a data set received over the network as a Part 10 file.
enum ReceivedFile {
    static func write(_ m: DIMSEMessage, context: Association.AcceptedContext, into dir: String) throws -> String {
        guard let data = m.dataSet else { throw DICOMError.malformed(offset: 0, reason: "C-STORE without a data set") }
        let cls = m.command.affectedSOPClassUID ?? context.abstractSyntax
        let inst = m.command.affectedSOPInstanceUID ?? ""
        // The archive's header builder; the data set goes on as received.
        var bytes = try Part10Header.bytes(sopClassUID: cls, sopInstanceUID: inst, transferSyntax: context.transferSyntax)
        bytes.append(contentsOf: data)
        let path = dir + "/" + safeName(inst) + ".dcm"
        try FileIO.writeAtomically(bytes, to: path)
        return path
    }

    /// A UID is digits and dots; anything else (or a UID of `..`) must not reach a path.
    static func safeName(_ uid: String) -> String {
        let ok = !uid.isEmpty && uid.count <= 64 && uid.allSatisfy { $0.isNumber || $0 == "." } && uid.contains(where: \.isNumber)
        if ok { return uid }
        var h: UInt64 = 1469598103934665603
        for b in uid.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        return "instance-" + String(h, radix: 16)
    }
}

enum FileSystem {
    /// Creates the folder if needed; true when it exists and is writable.
    static func makeDirectory(_ path: String) -> Bool {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { return false }
        return access(path, W_OK) == 0
    }
}
