import EventFold
import Foundation
import InboxReport
import ReportCore
import Site
import Testing
import TestSupport

/// The build cache (`BuildCache`, `docs/cli.md` *The build cache*): a build that takes what it can from the
/// cache writes exactly the site a build without it writes, after every kind of change to the inputs; a
/// damaged, cut or older cache is ignored with one warning; two builds at once corrupt nothing.
@Suite struct BuildCacheTests {
    /// Three weekly event logs of one newsletter to 90 recipients, with opens (some machine), clicks,
    /// bounces and unsubscribes, and a re-activation send in the last week: enough that tiers, frequency and
    /// outcomes all walk recipients who appear in several files.
    static func weekLog(_ week: Int, recipients: Int = 90, variant: Int = 0) -> String {
        var rows = ["time,campaign,recipient,event,bounce_type,machine,url"]
        let day = 2 + 7 * (week - 45)  // Mondays 2, 9, 16 November 2026 (W45 … W47)
        func t(_ d: Int, _ h: Int, _ m: Int) -> String { String(format: "2026-11-%02dT%02d:%02d:00Z", d, h, m) }
        var seed = UInt64(week * 7919 + variant * 104_729)
        func roll(_ n: UInt64) -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (seed >> 33) % n
        }
        let sends = week == 47 ? [("nl-w\(week)", 1), ("react-w47", 3)] : [("nl-w\(week)", 1)]
        for (campaign, offset) in sends {
            for r in 0..<recipients where campaign.hasPrefix("nl") || r % 3 == 0 {
                let who = "r\(r)@\(r % 4 == 0 ? "gmail.com" : r % 4 == 1 ? "icloud.com" : "example.org")"
                rows.append("\(t(day + offset, 9, 0)),\(campaign),\(who),sent,,,")
                if roll(40) == 0 {
                    rows.append("\(t(day + offset, 9, 1)),\(campaign),\(who),bounce,\(roll(2) == 0 ? "hard" : "soft"),,")
                    continue
                }
                rows.append("\(t(day + offset, 9, 1)),\(campaign),\(who),delivered,,,")
                if r % 4 == 1 { rows.append("\(t(day + offset, 9, 5)),\(campaign),\(who),open,,true,") }
                if roll(3) == 0 {
                    rows.append("\(t(day + offset, 10 + Int(roll(8)), Int(roll(60)))),\(campaign),\(who),open,,false,")
                    if roll(3) == 0 { rows.append("\(t(day + offset, 19, Int(roll(60)))),\(campaign),\(who),click,,,https://x.example/\(roll(3))") }
                }
                if roll(60) == 0 { rows.append("\(t(day + offset + 1, 8, 0)),\(campaign),\(who),unsubscribe,,,") }
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    static let campaigns = """
        campaign,program,name,kind
        nl-w45,newsletter,Letter 45,regular
        nl-w46,newsletter,Letter 46,regular
        nl-w47,newsletter,Letter 47,regular
        react-w47,newsletter,Still there?,reactivation

        """

    static func project() throws -> TestProject {
        try TestProject(files: [
            "report.yml": "title: Cache test\ntimezone: Europe/Stockholm\nprograms:\n  newsletter: { name: The letter }\ncampaign_programs:\n  \"nl-*\": newsletter\n",
            "data/campaigns.csv": campaigns,
            "data/events/2026-W45.csv": weekLog(45), "data/events/2026-W46.csv": weekLog(46),
            "data/events/2026-W47.csv": weekLog(47),
            "notes/weeks/2026-W46.md": "# Week 46\n\nA quiet week.\n",
        ])
    }

    /// Every file of a site built into a fresh folder, by path.
    static func site(_ project: TestProject, cache: BuildCache?, useCache: Bool = true) throws -> (files: [String: Data], summary: BuildSummary) {
        let out = "out-\(UUID().uuidString)"
        let summary = try ReportProject(root: project.root).build(
            options: BuildOptions(output: project.root.appending(path: out), useCache: useCache), cache: cache)
        var files: [String: Data] = [:]
        for path in project.files(under: out) {
            files[path] = FileManager.default.contents(atPath: project.root.appending(path: "\(out)/\(path)").path)
        }
        try FileManager.default.removeItem(at: project.root.appending(path: out))
        return (files, summary)
    }

    /// A build through a new cache object (as a new `inbox-report build` process) against one without any
    /// cache: the same files, byte for byte. Returns the files the cached build read and its warnings.
    @discardableResult
    static func expectSameSite(_ project: TestProject, _ what: Comment, files atLeast: Int = 20) throws -> (read: [String], warnings: [String], walk: InsightsWalk?) {
        let cache = BuildCache(project: project.root)
        let cached = try site(project, cache: cache)
        let fresh = try site(project, cache: nil, useCache: false)
        #expect(cached.files.count == fresh.files.count, what)
        #expect(cached.files.count > atLeast, what)
        for (path, data) in fresh.files where cached.files[path] != data {
            Issue.record("\(path) differs between the cached and the uncached build: \(what)")
            if let dir = ProcessInfo.processInfo.environment["CACHE_DIFF_DIR"] {
                try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                FileManager.default.createFile(atPath: "\(dir)/cached-\(path.replacingOccurrences(of: "/", with: "_"))", contents: cached.files[path])
                FileManager.default.createFile(atPath: "\(dir)/fresh-\(path.replacingOccurrences(of: "/", with: "_"))", contents: data)
            }
        }
        return (cache.lastRead, cached.summary.warnings.filter { $0.location?.file == BuildCache.folder }.map(\.message), cache.lastWalk)
    }

    @Test func aCachedBuildIsTheUncachedOneAfterEveryKindOfChange() throws {
        let project = try Self.project()
        var step = try Self.expectSameSite(project, "first build, no cache yet")
        #expect(step.read.count == 4)
        #expect(step.walk == .everyRecipient)
        #expect(project.exists(".inbox-report/cache/inputs.bin") && project.exists(".inbox-report/cache/events.bin"))

        step = try Self.expectSameSite(project, "nothing changed")
        #expect(step.read.isEmpty)

        try project.write("notes/weeks/2026-W46.md", "# Week 46\n\nA quiet week, and a longer note.\n")
        step = try Self.expectSameSite(project, "a note edited")
        #expect(step.read.isEmpty, "a note edit reads no data file")

        // A new week: only it is read, folded into the cached fold.
        try project.write("data/events/2026-W48.csv", Self.weekLog(48))
        step = try Self.expectSameSite(project, "a week added")
        #expect(step.read == ["data/events/2026-W48.csv"])
        // It touches every recipient: one walk of all costs less than two of them (`noteTouched`).
        #expect(step.walk == .everyRecipient)

        // A week that sorts before the others: folded in its place, so every event file is read again
        // (`anEarlierFileIsFoldedInItsPlace`).
        try project.write("data/events/2026-W44.csv", Self.weekLog(45, recipients: 30, variant: 1).replacingOccurrences(of: "nl-w45", with: "nl-w48"))
        step = try Self.expectSameSite(project, "an earlier file added")
        #expect(step.read == ["data/events/2026-W44.csv", "data/events/2026-W45.csv", "data/events/2026-W46.csv", "data/events/2026-W47.csv", "data/events/2026-W48.csv"])
        #expect(step.walk == .everyRecipient)

        // Campaign results changed: only they are read again.
        try project.write("data/campaigns.csv", Self.campaigns.replacingOccurrences(of: "Letter 46", with: "Letter forty-six"))
        step = try Self.expectSameSite(project, "campaign results changed")
        #expect(step.read == ["data/campaigns.csv"])
        #expect(step.walk == .touched(recipients: 0), "no event was folded in: the cached walk is the walk")

        // A folded file changed: a fold cannot be unfolded, so every event file is read again.
        try project.write("data/events/2026-W46.csv", Self.weekLog(46, variant: 2))
        step = try Self.expectSameSite(project, "an event file changed")
        #expect(step.read == ["data/events/2026-W44.csv", "data/events/2026-W45.csv", "data/events/2026-W46.csv", "data/events/2026-W47.csv", "data/events/2026-W48.csv"])

        try FileManager.default.removeItem(at: project.root.appending(path: "data/events/2026-W44.csv"))
        step = try Self.expectSameSite(project, "an event file deleted")
        #expect(step.read.count == 4)

        try FileManager.default.moveItem(at: project.root.appending(path: "data/events/2026-W48.csv"), to: project.root.appending(path: "data/events/late.csv"))
        step = try Self.expectSameSite(project, "an event file renamed")
        #expect(step.read.contains("data/events/late.csv"))
        #expect(step.warnings.isEmpty)

        try project.write("report.yml", "title: Cache test\ntimezone: UTC\nprograms:\n  newsletter: { name: The letter }\ncampaign_programs:\n  \"nl-*\": newsletter\n")
        step = try Self.expectSameSite(project, "report.yml changed")
        #expect(step.read.count == 5, "the settings shape every row")
    }

    /// A new week's export that is small beside what the cached fold holds is folded onto it without writing
    /// `events.bin` again: the next build folds it on again, together with the week after; once the files on
    /// top pass an eighth of the bytes held, the fold is written with them in it. Every site is the uncached one.
    @Test func aSmallNewWeekIsFoldedOnTopOfTheSameFold() throws {
        var files = [
            "report.yml": "title: Cache test\ntimezone: Europe/Stockholm\nprograms:\n  newsletter: { name: The letter }\ncampaign_programs:\n  \"nl-*\": newsletter\n",
            "data/campaigns.csv": Self.campaigns,
        ]
        // 45 … 47 with 90 recipients each and their copies under other names: six files of the same size.
        for week in 45...47 {
            files["data/events/2026-W\(week).csv"] = Self.weekLog(week)
            files["data/events/2026-W\(week)b.csv"] = Self.weekLog(week, variant: 1)
        }
        let project = try TestProject(files: files)
        var step = try Self.expectSameSite(project, "the first build")
        #expect(step.read.count == 7)
        let events = project.root.appending(path: ".inbox-report/cache/events.bin").path
        let written = try FileManager.default.attributesOfItem(atPath: events)[.systemNumber] as? Int
        let stamp = { try FileManager.default.attributesOfItem(atPath: events)[.modificationDate] as? Date }
        let first = try stamp()

        // Each small beside the six files held (more events of week 46's send, for a third of its recipients):
        // two of them are not over an eighth of the bytes held, three are.
        let small = { (week: Int) in Self.weekLog(46, recipients: 30, variant: week) }
        try project.write("data/events/2026-W48.csv", small(48))
        step = try Self.expectSameSite(project, "a small week added")
        #expect(step.read == ["data/events/2026-W48.csv"])
        #expect(step.walk == .touched(recipients: 30))
        #expect(try stamp() == first, "events.bin stands")
        #expect(try FileManager.default.attributesOfItem(atPath: events)[.systemNumber] as? Int == written)

        try project.write("data/events/2026-W49.csv", small(49))
        step = try Self.expectSameSite(project, "a second small week added")
        #expect(step.read == ["data/events/2026-W48.csv", "data/events/2026-W49.csv"], "the week on top is folded on again")
        #expect(try stamp() == first, "two are not over an eighth")

        try project.write("data/events/2026-W50.csv", small(50))
        step = try Self.expectSameSite(project, "a third small week added")
        #expect(step.read == ["data/events/2026-W48.csv", "data/events/2026-W49.csv", "data/events/2026-W50.csv"])
        #expect(try stamp() != first, "three are over an eighth: the fold is written with them")
        #expect(step.walk == .everyRecipient, "over an eighth: not read for their recipients first (`marksTouched`)")

        try project.write("notes/weeks/2026-W47.md", "# Week 47\n")
        step = try Self.expectSameSite(project, "a note after that")
        #expect(step.read.isEmpty)
        try project.write("data/events/2026-W51.csv", small(51))
        step = try Self.expectSameSite(project, "a fourth small week added")
        #expect(step.read == ["data/events/2026-W51.csv"], "the fold written last time holds the other three")
        #expect(step.walk == .touched(recipients: 30), "the walk written with it stands for the others")
    }

    /// A message keeps its first deferral reason in the order the files are folded, which is the order of their
    /// paths. A file added that sorts before one the cached fold holds cannot be folded on top of it: the
    /// build folds every event file again, and the mailbox-provider page names the reason the earlier file gave.
    @Test func anEarlierFileIsFoldedInItsPlace() throws {
        func log(_ time: String, _ diagnostic: String, sent: Bool) -> String {
            var rows = ["time,campaign,recipient,event,bounce_type,diagnostic"]
            for r in 0..<30 {
                if sent { rows.append("2026-11-10T09:00:00Z,nl-w46,r\(r)@gmail.com,sent,,") }
                rows.append("\(time),nl-w46,r\(r)@gmail.com,deferred,,\(diagnostic)")
                if sent { rows.append("2026-11-10T09:10:00Z,nl-w46,r\(r)@gmail.com,delivered,,") }
            }
            return rows.joined(separator: "\n") + "\n"
        }
        let project = try TestProject(files: [
            "report.yml": "title: Order\ntimezone: UTC\n",
            "data/campaigns.csv": "campaign,program,name,kind\nnl-w46,newsletter,Letter 46,regular\n",
            "data/events/2026-W46.csv": log("2026-11-10T09:05:00Z", "452 4.2.2 mailbox full", sent: true),
        ])
        try Self.expectSameSite(project, "the later file alone", files: 15)
        try project.write("data/events/2026-W44.csv", log("2026-11-10T09:01:00Z", "\"421 4.7.0 rate limited, try again later\"", sent: false))
        let step = try Self.expectSameSite(project, "an earlier file added", files: 15)
        #expect(step.read == ["data/events/2026-W44.csv", "data/events/2026-W46.csv"])
        let page = try #require(String(data: try Self.site(project, cache: nil, useCache: false).files["mailbox-providers/index.html"] ?? Data(), encoding: .utf8))
        #expect(page.contains("Rate limited") && !page.contains("Mailbox full"))
    }

    /// With no data file changed, a build into the same folder draws only the pages whose note changed; a
    /// page changed by hand in the output, or any template, is drawn again.
    @Test func aNoteEditRedrawsOnlyItsOwnPage() throws {
        let project = try Self.project()
        let public_ = project.root.appending(path: "public")
        func build() throws -> (files: [String: Data], reused: Int, drawn: Int) {
            let cache = BuildCache(project: project.root)
            _ = try ReportProject(root: project.root).build(options: BuildOptions(output: public_), cache: cache)
            var files: [String: Data] = [:]
            for path in project.files(under: "public") { files[path] = FileManager.default.contents(atPath: public_.appending(path: path).path) }
            let pages = files.keys.filter { $0.hasSuffix(".html") || $0.hasSuffix(".xml") || $0.hasPrefix("data/") }.count
            return (files, cache.lastReused, pages - cache.lastReused)
        }
        func expectSameAsUncached(_ built: [String: Data], _ what: Comment) throws {
            let fresh = try Self.site(project, cache: nil, useCache: false).files
            #expect(built.count == fresh.count, what)
            for (path, data) in fresh where built[path] != data { Issue.record("\(path) differs: \(what)") }
        }
        var step = try build()
        #expect(step.reused == 0)
        step = try build()
        #expect(step.drawn == 0, "nothing changed: every page is the one drawn before")

        try project.write("notes/weeks/2026-W46.md", "# Week 46\n\nA quiet week, and **more**.\n")
        step = try build()
        #expect(step.drawn == 1)
        #expect(String(decoding: step.files["weeks/2026-W46/index.html"]!, as: UTF8.self).contains("<strong>more</strong>"))
        try expectSameAsUncached(step.files, "a week note edited")

        try project.write("notes/campaigns/nl-w45.md", "A new note on a send.\n")
        step = try build()
        #expect(step.drawn == 1)
        try expectSameAsUncached(step.files, "a campaign note added")

        try project.write("public/index.html", "changed by hand")
        step = try build()
        #expect(step.drawn == 1)
        try expectSameAsUncached(step.files, "a page changed by hand in the output")

        // A download changed by hand is made again (with the six others, which are made together with it, and
        // are the same bytes as those already there).
        try project.write("public/data/weeks.csv", "changed by hand")
        step = try build()
        #expect(step.drawn == 1)
        try expectSameAsUncached(step.files, "a download changed by hand in the output")

        try project.write("templates/assets/custom.css", "body { color: black; }\n")
        step = try build()
        #expect(step.reused == 0, "another template set draws every page")
        try expectSameAsUncached(step.files, "a template added")
    }

    /// A new week changes every page's freshness line and latest-week link, and little else: a page whose
    /// model is the one drawn last time is that page with the new values in its chrome's slots (`ChromeSlot`),
    /// byte for byte the page a build without the cache draws. A page changed by hand in the output, and every
    /// page through a template that emits the freshness unescaped, is drawn again.
    @Test func aNewWeekRefillsThePagesItDoesNotChange() throws {
        let campaigns = { (weeks: [Int]) in
            "campaign,program,name,kind\n" + weeks.map { "nl-w\($0),newsletter,Letter \($0),regular\n" }.joined()
        }
        let project = try TestProject(files: [
            "report.yml": "title: Cache test\ntimezone: Europe/Stockholm\nprograms:\n  newsletter: { name: The letter }\ncampaign_programs:\n  \"nl-*\": newsletter\n",
            "data/campaigns.csv": campaigns([45]), "data/events/2026-W45.csv": Self.weekLog(45),
        ])
        let public_ = project.root.appending(path: "public")
        func build() throws -> (files: [String: Data], refilled: Int) {
            let cache = BuildCache(project: project.root)
            _ = try ReportProject(root: project.root).build(options: BuildOptions(output: public_), cache: cache)
            var files: [String: Data] = [:]
            for path in project.files(under: "public") { files[path] = FileManager.default.contents(atPath: public_.appending(path: path).path) }
            let fresh = try Self.site(project, cache: nil, useCache: false).files
            #expect(files.count == fresh.count)
            for (path, data) in fresh where files[path] != data { Issue.record("\(path) differs from the uncached build") }
            return (files, cache.lastRefilled)
        }
        func page(_ files: [String: Data], _ path: String) -> String { String(decoding: files[path] ?? Data(), as: UTF8.self) }
        var step = try build()
        #expect(step.refilled == 0)
        let before = page(step.files, "campaigns/nl-w45/index.html")

        try project.write("data/events/2026-W46.csv", Self.weekLog(46))
        try project.write("data/campaigns.csv", campaigns([45, 46]))
        step = try build()
        let after = page(step.files, "campaigns/nl-w45/index.html")
        #expect(before != after, "its freshness and latest-week link are new")
        #expect(after.contains("weeks/2026-W46/index.html") && !before.contains("weeks/2026-W46/index.html"))
        // The first send's page, the glossary, … are refilled; the new week's pages and the overview are drawn.
        let pages = step.files.keys.filter { $0.hasSuffix(".html") }.count
        #expect(step.refilled >= 3)
        #expect(step.refilled < pages - 3)

        // Changed by hand, its length kept: not taken, drawn again (`build` compares it with the uncached page).
        try project.write("public/campaigns/nl-w45/index.html", after.replacingOccurrences(of: "<h1>", with: "<h2>"))
        try project.write("data/events/2026-W46b.csv", Self.weekLog(46, recipients: 9, variant: 2).replacingOccurrences(of: "T09:", with: "T11:"))
        step = try build()
        #expect(page(step.files, "campaigns/nl-w45/index.html").contains("<h1>"))
        #expect(step.refilled >= 2)

        try project.write("templates/layout.mustache", try #require(TemplateSet.defaults["layout.mustache"])
            .replacingOccurrences(of: "{{freshness}}", with: "{{{freshness}}}"))
        _ = try build()
        try project.write("data/events/2026-W46c.csv", Self.weekLog(46, recipients: 9, variant: 3).replacingOccurrences(of: "T09:", with: "T12:"))
        step = try build()
        #expect(step.refilled == 0, "a template that emits the freshness unescaped draws every page")
    }

    @Test func aTouchedOrCopiedFileWithTheSameBytesIsNotReadAgain() throws {
        let project = try Self.project()
        try Self.expectSameSite(project, "first build")
        let file = project.root.appending(path: "data/events/2026-W45.csv")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: file.path)
        var step = try Self.expectSameSite(project, "touched")
        #expect(step.read.isEmpty)
        // The same size, other bytes: read.
        let text = try #require(project.read("data/events/2026-W45.csv"))
        try project.write("data/events/2026-W45.csv", text.replacingOccurrences(of: "T09:01:00Z", with: "T09:02:00Z"))
        step = try Self.expectSameSite(project, "same size, other bytes")
        #expect(step.read.contains("data/events/2026-W45.csv"))
    }

    /// A cache that is cut short, has a flipped byte or is of another format version: one warning, the figures
    /// of a build without it, and a cache that works again afterwards.
    @Test(arguments: ["inputs.bin", "events.bin", "events.0.bin"])
    func aDamagedCacheIsIgnoredWithOneWarning(_ name: String) throws {
        for damage in ["cut", "flipped", "version"] {
            let project = try Self.project()
            try Self.expectSameSite(project, "first build")
            let url = project.root.appending(path: ".inbox-report/cache/\(name)")
            var bytes = [UInt8](try Data(contentsOf: url))
            switch damage {
            case "cut": bytes.removeLast(bytes.count / 2)
            case "flipped": bytes[bytes.count * 2 / 3] ^= 0x20
            default: bytes[8] = 99  // the format version follows the 8-byte magic
            }
            try Data(bytes).write(to: url)
            // With events.bin or a shard of the fold damaged, a new file makes the build need the fold.
            if name.hasPrefix("events") { try project.write("data/events/2026-W48.csv", Self.weekLog(48)) }
            let step = try Self.expectSameSite(project, "\(name) \(damage)")
            #expect(step.warnings.count == 1, "\(name) \(damage): \(step.warnings)")
            #expect(step.warnings.first?.contains("ignored the build cache .inbox-report/cache/\(name)") == true)
            if damage == "version" { #expect(step.warnings.first?.contains("cache format 99") == true) }
            let again = try Self.expectSameSite(project, "after \(name) \(damage)")
            #expect(again.read.isEmpty && again.warnings.isEmpty)
        }
    }

    /// A shard file of the fold that is whole but not the one events.bin names (a save cut off between writing
    /// the shards and events.bin, or a file copied in from another build): one warning, the right figures.
    @Test func aShardFileOfAnotherFoldIsNotUsed() throws {
        let project = try Self.project(), other = try Self.project()
        try Self.expectSameSite(project, "first build")
        try other.write("data/events/2026-W48.csv", Self.weekLog(48, variant: 1))
        try Self.expectSameSite(other, "the other project's first build")
        let shard = ".inbox-report/cache/events.0.bin"
        try Data(contentsOf: other.root.appending(path: shard)).write(to: project.root.appending(path: shard))
        try project.write("data/events/2026-W48.csv", Self.weekLog(48))
        let step = try Self.expectSameSite(project, "with the other fold's shard")
        #expect(step.warnings.count == 1, "\(step.warnings)")
        #expect(step.warnings.first?.contains("ignored the build cache \(shard)") == true)
        #expect(step.warnings.first?.contains("it is not the one events.bin names") == true)
        #expect(step.read.count > 1, "every event file read again")
    }

    /// Two builds at once on one project, each as its own process would (its own cache object): the second
    /// waits for the first's lock; both write the right site, and the cache they leave is whole.
    @Test func twoBuildsAtOnceCorruptNothing() throws {
        let project = try Self.project()
        try Self.expectSameSite(project, "first build")
        try project.write("data/events/2026-W48.csv", Self.weekLog(48))
        let expected = try Self.site(project, cache: nil, useCache: false).files
        let results = ResultBox()
        nonisolated(unsafe) let shared = project  // each build writes its own output folder
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                let built = try Self.site(shared, cache: BuildCache(project: shared.root))
                results.add(built.files == expected && built.summary.warnings.allSatisfy { $0.location?.file != BuildCache.folder })
            } catch {
                results.add(false)
            }
        }
        #expect(results.values == [true, true, true, true])
        let after = try Self.expectSameSite(project, "after the race")
        #expect(after.read.isEmpty && after.warnings.isEmpty)
    }

    /// The content checksum is the same however the bytes arrive (the fast reader sums them chunk by chunk as
    /// it reads; a touched file is summed whole: `aTouchedOrCopiedFile…` relies on the two agreeing), and one
    /// changed bit changes it.
    @Test func aChecksumDoesNotDependOnHowTheBytesArrive() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = StreamChecksum.of(bytes)
        for cut in [1, 7, 31, 32, 33, 500, 999] {
            var sum = StreamChecksum()
            bytes[..<cut].withUnsafeBytes { sum.add($0) }
            bytes[cut...].withUnsafeBytes { sum.add($0) }
            #expect(sum.value == whole, "cut at \(cut)")
        }
        var other = bytes
        other[500] ^= 1
        #expect(StreamChecksum.of(other) != whole)
        #expect(StreamChecksum.of(Array(bytes.dropLast())) != whole)
    }

    @Test func noCacheWritesNoneAndCleanRemovesIt() throws {
        let project = try Self.project()
        _ = try Self.site(project, cache: nil, useCache: false)
        #expect(!project.exists(".inbox-report"))
        // check writes nothing, not even the cache; it reads one that is there.
        _ = try ReportProject(root: project.root).check(options: BuildOptions())
        #expect(!project.exists(".inbox-report"))
        _ = try Self.site(project, cache: nil)
        #expect(project.exists(".inbox-report/cache/inputs.bin"))
        let inputs = project.root.appending(path: ".inbox-report/cache/inputs.bin").path
        let before = try FileManager.default.attributesOfItem(atPath: inputs)[.modificationDate] as? Date
        try project.write("data/events/2026-W48.csv", Self.weekLog(48))
        let checked = try ReportProject(root: project.root).check(options: BuildOptions())
        #expect(checked.sends == 5)
        #expect(try FileManager.default.attributesOfItem(atPath: inputs)[.modificationDate] as? Date == before)
        #expect(try BuildCache.remove(project: project.root))
        #expect(!project.exists(".inbox-report"))
        #expect(try !BuildCache.remove(project: project.root))
    }

    /// The cache holds recipient addresses (the fold needs them), so it is never inside the site.
    @Test func theCacheIsBesideTheSiteNotInIt() throws {
        let project = try Self.project()
        let built = try Self.site(project, cache: nil)
        #expect(!built.files.keys.contains { $0.contains(".inbox-report/") })
        #expect(!built.files.values.contains { String(decoding: $0, as: UTF8.self).contains("r7@example.org") })
        let cache = project.root.appending(path: ".inbox-report/cache")
        let shards = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasPrefix("events.") && $0 != "events.bin" }
            .map { try Data(contentsOf: cache.appending(path: $0)) }
        #expect(!shards.isEmpty, "the fold is kept shard by shard")
        #expect(shards.contains { $0.range(of: Data("r7@example.org".utf8)) != nil }, "the fold is in the cache, addresses and all")
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Bool] = []
    func add(_ v: Bool) { lock.lock(); list.append(v); lock.unlock() }
    var values: [Bool] { lock.lock(); defer { lock.unlock() }; return list }
}
