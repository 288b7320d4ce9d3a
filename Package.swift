// swift-tools-version:6.0
// SwiftPACS — one package, no outside Swift dependencies. System C libraries come in
// through .systemLibrary targets (Debian: libsqlite3-dev, libssl-dev, zlib1g-dev).
import PackageDescription

let package = Package(
    name: "SwiftPACS",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "swiftpacs", targets: ["swiftpacs"]),
        .library(name: "DICOM", targets: ["DICOM"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .target(name: "DICOM", dependencies: ["CZlib"], path: "Sources/DICOM"),
        .target(name: "DICOMNetwork", dependencies: ["DICOM"], path: "Sources/DICOMNetwork"),
        .target(name: "Archive", dependencies: ["DICOM", "CSQLite"], path: "Sources/Archive"),
        .target(name: "PACS", dependencies: ["DICOM", "DICOMNetwork", "Archive", "TLS"], path: "Sources/PACS"),
        .target(name: "HTTPServer", path: "Sources/HTTPServer"),
        .target(name: "TLS", dependencies: ["HTTPServer", "COpenSSL"], path: "Sources/TLS"),
        .target(name: "WebAPI", dependencies: ["HTTPServer", "DICOM", "Archive", "PACS", "DICOMNetwork", "TLS"], path: "Sources/WebAPI"),
        .executableTarget(name: "swiftpacs", dependencies: ["DICOM", "DICOMNetwork", "Archive", "PACS", "HTTPServer", "TLS", "WebAPI"], path: "Sources/swiftpacs"),
        .executableTarget(name: "swiftpacs-bench", dependencies: ["DICOM", "DICOMNetwork", "HTTPServer"], path: "Sources/swiftpacs-bench"),
        .testTarget(name: "DICOMTests", dependencies: ["DICOM"], path: "Tests/DICOMTests"),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "DICOM"], path: "Tests/ArchiveTests"),
        .testTarget(name: "DICOMNetworkTests", dependencies: ["DICOMNetwork", "DICOM"], path: "Tests/DICOMNetworkTests"),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"], path: "Tests/HTTPServerTests"),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "HTTPServer"], path: "Tests/TLSTests"),
        .testTarget(name: "PACSTests", dependencies: ["PACS", "Archive", "DICOM", "TLS"], path: "Tests/PACSTests"),
        .testTarget(name: "WebAPITests", dependencies: ["WebAPI", "HTTPServer", "PACS", "Archive", "TLS", "DICOM"], path: "Tests/WebAPITests"),
        .testTarget(name: "PACSSettingsTests", dependencies: ["PACS", "Archive", "DICOM", "DICOMNetwork"], path: "Tests/PACSSettingsTests"),
    ],
    swiftLanguageModes: [.v6]
)
