// swiftpacs: the appliance's one executable — the server and an administrator's DICOM toolbox.
// Wiring only: each command lives in its own file.
#if canImport(Glibc)
import Glibc
#endif

let commands: [String: @Sendable ([String]) -> Int32] = [
    "serve": ServeCommand.run,
    "dump": DumpCommand.run,
    "echo": EchoCommand.run,
    "store": StoreCommand.run,
    "find": FindCommand.run,
    "move": MoveCommand.run,
    "get": GetCommand.run,
    "peers": PeersCommand.run,
    "user": UserCommand.run,
]

let usage = """
usage: swiftpacs <command> [options]

commands:
  serve     run the PACS server (see swiftpacs serve --help)
  dump      print DICOM files one element per line (see swiftpacs dump --help)
  echo      C-ECHO a DICOM peer
  store     C-STORE files or folders to a peer
  find      C-FIND: query a peer
  move      C-MOVE: have a peer send matches to an AE title
  get       C-GET: retrieve matches from a peer into a folder
  peers     add, list or remove the known DICOM peers
  user      add, list or remove web users, change a password (see swiftpacs user --help)

Run 'swiftpacs <command> --help' for a command's options.
"""

var args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first else {
    print(usage)
    exit(2)
}
if name == "--help" || name == "-h" || name == "help" {
    print(usage)
    exit(0)
}
if name == "--version" {
    print("swiftpacs \(Version.string)")
    exit(0)
}
guard let command = commands[name] else {
    Console.error("swiftpacs: unknown command '\(name)'. Run 'swiftpacs --help' for the list of commands.")
    exit(2)
}
// Everything swiftpacs creates (data directory, index, files) holds patient data or password
// hashes: readable by the server's user only.
umask(0o077)
exit(command(Array(args.dropFirst())))
