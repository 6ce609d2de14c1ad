import Foundation

/// Why a file could not be read or written, in the operating system's words ("permission denied",
/// "no space left on device"), for a one-line message that already names the file. Foundation's
/// own text ("The file “x” couldn’t be opened…", "NSCocoaErrorDomain error 4") repeats the path,
/// differs between platforms and never reaches the user.
public func fileErrorReason(_ error: Error) -> String {
    let nsError = error as NSError
    for candidate in [nsError, nsError.userInfo[NSUnderlyingErrorKey] as? NSError].compactMap({ $0 }) where candidate.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(candidate.code))).lowercased()
    }
    switch CocoaError.Code(rawValue: nsError.domain == NSCocoaErrorDomain ? nsError.code : -1) {
    case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
    case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
    case .fileWriteOutOfSpace: return "no space left on device"
    case .fileWriteVolumeReadOnly: return "read-only file system"
    case .fileReadTooLarge: return "file too large"
    default: return "the system refused it"
    }
}
