import Foundation
import HTTPServer

extension JSONIO {
    /// An answer with `object` and members whose values are JSON text already (DICOM JSON,
    /// whose numbers keep the digits of the data set, which a round trip through
    /// JSONSerialization would not).
    static func response(_ object: [String: Any], rawMembers: [String: [UInt8]], status: HTTPStatus = .ok) throws -> HTTPResponse {
        var data = Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
        guard data.last == UInt8(ascii: "}") else { throw HTTPError.internalError }
        data.removeLast()
        for (name, value) in rawMembers.sorted(by: { $0.key < $1.key }) {
            if data.count > 1 { data.append(UInt8(ascii: ",")) }
            data += Array(JSONText.string(name).utf8)
            data.append(UInt8(ascii: ":"))
            data += value
        }
        data.append(UInt8(ascii: "}"))
        var r = HTTPResponse.json(data, status: status)
        r.headers.set("Cache-Control", "no-store")
        return r
    }
}
