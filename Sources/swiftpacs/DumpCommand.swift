import DICOM

/// `swiftpacs dump FILE…`: prints each file like DCMTK's dcmdump.
enum DumpCommand {
    static let help = """
    usage: swiftpacs dump [--max-length N] [--no-pixel-data] [--json] FILE...

    Prints each DICOM file one element per line: tag, VR, value, length, multiplicity and
    keyword, with sequence items indented, in the layout of DCMTK's dcmdump. Files with a
    Part 10 header and bare data sets (implicit, explicit, big endian, deflated) are read.

    options:
      --max-length N    print at most N characters of a value (default 64)
      --no-pixel-data   stop reading at Pixel Data (7fe0,0010)
      --json            print the data set in the DICOM JSON model (PS3.18 F.2) instead
      -h, --help        show this help

    Exit status: 0 when every file was read, 1 when one could not be, 2 for a usage error.
    """

    @Sendable static func run(_ args: [String]) -> Int32 {
        var dumper = DataSetDumper()
        var options = ReadOptions()
        var files: [String] = []
        var json = false
        var i = 0
        while i < args.count {
            let a = args[i]
            switch a {
            case "-h", "--help":
                print(help)
                return 0
            case "--max-length":
                guard i + 1 < args.count, let n = Int(args[i + 1]), n > 0 else {
                    Console.error("swiftpacs dump: --max-length needs a positive number")
                    return 2
                }
                dumper.maxValueLength = n
                i += 1
            case "--json":
                json = true
            case "--no-pixel-data":
                options.stopBefore = Tag(0x7FE0, 0x0010)
            default:
                if a.hasPrefix("-") && a.count > 1 {
                    Console.error("swiftpacs dump: unknown option '\(a)'. Run 'swiftpacs dump --help'.")
                    return 2
                }
                files.append(a)
            }
            i += 1
        }
        guard !files.isEmpty else {
            Console.error("swiftpacs dump: no file given. Usage: swiftpacs dump FILE...")
            return 2
        }
        var status: Int32 = 0
        for path in files {
            do {
                let file = try DICOMFile.read(path: path, options: options)
                if json {
                    Console.write(DICOMJSONEncoder(bulkDataThreshold: 1 << 30).encodeString(file.dataSet) + "\n")
                    continue
                }
                if files.count > 1 { Console.write("# \(path)\n") }
                Console.write(dumper.dump(file))
            } catch {
                Console.error("swiftpacs dump: \(path): \(error)")
                status = 1
            }
        }
        return status
    }
}
