import ChronyKit
/// The user chronyd runs as after dropping root (`-u`), and that owns its directories.
public struct ChronyAccount: Sendable, Equatable {
    public let name: String
    public let uid: uid_t
    public let gid: gid_t

    /// The distributions' names for chrony's user: Debian's, then Alpine's (and Fedora's).
    public static let knownNames = ["_chrony", "chrony"]

    /// The account named `name`, nil when there is no such user.
    public static func lookup(_ name: String) -> ChronyAccount? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return ChronyAccount(name: name, uid: entry.pw_uid, gid: entry.pw_gid)
    }

    /// The account chronyd drops to. Not root: nil (chronyd runs as us, no `-u`). Root: the
    /// configured user (a `SettingError` when it does not exist), else the first known name
    /// that exists, else root itself (chronyd then keeps root; `run` warns).
    public static func resolve(configured: String?, effectiveUID: uid_t = geteuid()) throws(SettingError) -> ChronyAccount? {
        guard effectiveUID == 0 else { return nil }
        if let configured {
            guard let account = lookup(configured) else {
                throw SettingError(source: SettingKey.chronyUser.environmentName, value: configured,
                                   expected: "a user that exists on this system (as in /etc/passwd)")
            }
            return account
        }
        return knownNames.lazy.compactMap(lookup).first ?? ChronyAccount(name: "root", uid: 0, gid: 0)
    }
}
