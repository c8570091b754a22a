import ChronyKit
/// The user chronyd runs as, and that owns its run and state directories.
///
/// Two ways to get there (chrony 4.3–4.8, main.c):
/// - started as root, chronyd opens its sockets and drops root to this user (`-u USER`);
/// - started as a user that is not root (a container's `USER`, Kubernetes' `runAsNonRoot`),
///   chronyd stays that user: `-U` skips its "Not superuser" check and `-u` names the user
///   itself, because chronyd always looks its user up (`getpwnam`, default `_chrony`) and
///   requires the command socket's directory to belong to that user's uid *and* gid. Such a
///   user needs an entry in /etc/passwd.
public struct ChronyAccount: Sendable, Equatable {
    public let name: String
    public let uid: uid_t
    public let gid: gid_t
    /// True when chronyd is started as root and drops to this user; false when chronyvisor
    /// already is this user (no root, no capability needed to own its directories).
    public let dropsRoot: Bool

    public init(name: String, uid: uid_t, gid: gid_t, dropsRoot: Bool = true) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.dropsRoot = dropsRoot
    }

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

    /// The account of `uid`, nil when /etc/passwd (NSS) has none.
    public static func lookup(uid: uid_t) -> ChronyAccount? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name
        else { return nil }
        return ChronyAccount(name: String(cString: name), uid: entry.pw_uid, gid: entry.pw_gid, dropsRoot: false)
    }

    /// The account chronyd runs as.
    /// - Root: the configured user (a `SettingError` when it does not exist), else the first
    ///   known name that exists, else root itself (chronyd then keeps root; `run` warns).
    /// - Not root: our own user (`dropsRoot` false). CHRONY_USER may name it, nothing else:
    ///   only root can start chronyd as another user. A uid without a passwd entry (an
    ///   arbitrary `runAsUser`) is refused, because chronyd could not look it up.
    public static func resolve(configured: String?, effectiveUID: uid_t = geteuid()) throws(SettingError) -> ChronyAccount {
        guard effectiveUID == 0 else {
            guard let own = lookup(uid: effectiveUID) else {
                throw SettingError(source: "the user chronyvisor runs as", value: "uid \(effectiveUID)",
                                   expected: "a user named in /etc/passwd (chronyd looks its user up by name): run as the image's chrony user, or as root")
            }
            if let configured, configured != own.name {
                throw SettingError(source: SettingKey.chronyUser.environmentName, value: configured,
                                   expected: "unset or \(own.name), the user chronyvisor runs as (only root can start chronyd as another user)")
            }
            return own
        }
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
