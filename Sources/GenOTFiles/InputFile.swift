import Foundation

/// Whole-file reads for every reader (IDX, PNG, .npy, safetensors, .csv), so a
/// folder, a device such as /dev/null or an unreadable file gets a message
/// that says so (Foundation's own reads "error 256" or "no permission").
public enum InputFile {
    /// The bytes of the regular file `url` (memory-mapped when `mapped`).
    /// A missing file is left to the caller, whose format error says which
    /// command or script makes it; everything else throws `FileError`.
    public static func contents(of url: URL, mapped: Bool = false) throws -> Data {
        try requireRegularFile(url)
        do {
            return try Data(contentsOf: url, options: mapped ? .mappedIfSafe : [])
        } catch {
            throw FileError(.unreadable, url, expected: "a readable file", found: "read error: \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
        }
    }

    /// Throws unless `url` names a regular file (following symbolic links).
    public static func requireRegularFile(_ url: URL) throws {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw FileError(.unreadable, url, expected: "a file", found: String(cString: strerror(errno)).lowercased())
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw FileError(.unreadable, url, expected: "a file", found: "a folder")
        default: throw FileError(.unreadable, url, expected: "a regular file", found: "a device, pipe or socket")
        }
    }
}
