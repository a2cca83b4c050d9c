import Foundation

/// Writes a line to stdout unbuffered, so report lines and the progress lines
/// (on stderr) stay in order when both go to one log file.
func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
