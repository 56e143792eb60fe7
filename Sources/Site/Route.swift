import ReportCore

/// Where one page or file of the site lives. Every output path and every link between pages comes from
/// here, never from a string put together where it is used (Publish's `Path` and `Location` are the model).
public struct Route: Hashable, Sendable, CustomStringConvertible {
    /// The folders below the site's root, then the file: a page is `<folders>/index.html`.
    let folders: [String]
    let file: String

    init(_ folders: [String], file: String = "index.html") {
        self.folders = folders
        self.file = file
    }

    static let index = Route([])
    static let glossary = Route(["glossary"])
    static let frequency = Route(["frequency"])
    static let reactivation = Route(["reactivation"])
    static let mailboxProviders = Route(["mailbox-providers"])
    static let notFound = Route([], file: "404.html")
    static let feed = Route([], file: "feed.xml")
    static func week(_ week: ISOWeek) -> Route { Route(["weeks", week.description]) }
    static func program(_ slug: String) -> Route { Route(["programs", slug]) }
    static let experiments = Route(["experiments"])
    static func experiment(_ slug: String) -> Route { Route(["experiments", slug]) }
    /// A campaign id is any text: its folder is a safe, reversible encoding of it.
    static func campaign(_ id: String) -> Route { Route(["campaigns", Slug.pathSegment(forID: id)]) }
    static func asset(_ name: String) -> Route { Route(["assets"], file: name) }
    static func download(_ name: String) -> Route { Route(["data"], file: name) }

    /// The file's path inside the site folder: `weeks/2026-W47/index.html`.
    public var outputPath: String { (folders + [file]).joined(separator: "/") }

    public var description: String { outputPath }

    /// The way from this route's folder up to the site's root: `../../` from a week, `` from the root.
    var root: String { String(repeating: "../", count: folders.count) }

    /// The relative link from a page at `page` to this route, with an optional `#fragment`.
    func href(from page: Route, fragment: String? = nil) -> String {
        page.root + outputPath + (fragment.map { "#" + $0 } ?? "")
    }
}

/// How one page links to the others: relative to where it lies, or absolute under the site's address for
/// a page that is shown from elsewhere (the 404 page, which servers show at any depth).
struct PageLinks {
    /// The page being drawn.
    let here: Route
    /// With an address, every link is absolute under it (it ends in `/`).
    let base: String?

    init(_ here: Route, base: String? = nil) {
        self.here = here
        self.base = base.map(Self.folder)
    }

    /// A site address as a folder: `https://r.example/acme` → `https://r.example/acme/`.
    static func folder(_ address: String) -> String { address.hasSuffix("/") ? address : address + "/" }

    /// What templates know as `{{root}}`: the site's root as seen from this page.
    var root: String { base ?? here.root }

    func to(_ route: Route, fragment: String? = nil) -> String {
        guard let base else { return route.href(from: here, fragment: fragment) }
        return base + route.outputPath + (fragment.map { "#" + $0 } ?? "")
    }
}
