// swift-tools-version:6.0
import PackageDescription

// inbox-report: campaign results and recipient events in, a static site of weekly deliverability reports out.
// The pipeline is Reading → Metrics → Site; `docs/architecture.md` explains the targets.
// The event fold runs once per event (tens of millions): in release builds its target (EventFold, and no other)
// skips the runtime exclusivity checks, which cost more than the work they guard there. Debug builds (and
// tests) keep them.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
// The readers and the fold are optimised in debug builds too: `make preview` and the tests build the example
// (about 750,000 events) in a debug build, which unoptimised takes five times as long. Overflow and
// exclusivity checks stay on (only `assert` goes).
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "inbox-report",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "inbox-report", targets: ["inbox-report"]),
        .library(name: "InboxReport", targets: ["InboxReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        // Debian's libcmark-dev (the Makefile installs it when pkg-config cannot find it).
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        // zlib, for gzip-compressed inputs (Debian's zlib1g-dev).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Canonical records, configuration and located errors shared by every stage.
        .target(name: "ReportCore"),
        // A cache prefetch hint for the event fold (one static inline C function).
        .target(name: "CPrefetch"),
        // Recipient events → messages → tallies, tiers, frequency, hours and outcomes. The message model
        // (`Message`, `MessageTally`) on top; hash tables, arenas, prefetch and the per-recipient hour index
        // under it, in `Tables/`, and nowhere else.
        .target(name: "EventFold", dependencies: ["ReportCore", "CPrefetch"], swiftSettings: hotPath + optimisedInDebug),
        // Files → canonical records: formats, detection, validation.
        .target(
            name: "Reading", dependencies: ["ReportCore", "EventFold", "CZlib", .product(name: "Yams", package: "Yams")],
            swiftSettings: optimisedInDebug
        ),
        // Canonical records and folded events → sends, program-weeks, rates and alerts. Pure computation.
        .target(name: "Metrics", dependencies: ["ReportCore", "EventFold"]),
        // Numbers → pages: page models, Markdown, templates, charts, atomic output.
        .target(
            name: "Site",
            dependencies: [
                "ReportCore", "EventFold", "Metrics", "CCmark",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
            ],
            plugins: ["EmbedTemplatesPlugin"]
        ),
        // HTTP/1.1 on POSIX sockets for `serve`. Foundation only.
        .target(name: "PreviewServer"),
        // The pipeline as one library call: build, check, init, serve.
        .target(name: "InboxReport", dependencies: ["ReportCore", "EventFold", "Reading", "Metrics", "Site", "PreviewServer"]),
        .executableTarget(
            name: "inbox-report",
            dependencies: ["InboxReport", "PreviewServer", "ReportCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Turns the top-level templates/ folder into Swift source so the binary carries its default templates.
        .executableTarget(name: "EmbedTemplates"),
        .plugin(name: "EmbedTemplatesPlugin", capability: .buildTool(), dependencies: ["EmbedTemplates"]),

        // The fuzzing harness over every reader and report.yml (`make fuzz`, libFuzzer through
        // LLVMFuzzerRunDriver, declared by the C target; SwiftPM gives executables a main of their own).
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "inbox-report-fuzz", dependencies: ["Reading", "Metrics", "EventFold", "ReportCore", "CFuzzerDriver"]),

        .target(name: "TestSupport", dependencies: ["ReportCore"], path: "Tests/TestSupport"),
        .testTarget(name: "ReportCoreTests", dependencies: ["ReportCore"]),
        .testTarget(name: "EventFoldTests", dependencies: ["EventFold", "ReportCore"]),
        .testTarget(name: "ReadingTests", dependencies: ["Reading", "EventFold", "Metrics", "ReportCore", "TestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "EventFold", "ReportCore", "TestSupport"]),
        .testTarget(name: "SiteTests", dependencies: ["Site", "InboxReport", "Reading", "Metrics", "EventFold", "ReportCore", "TestSupport"]),
        .testTarget(name: "PreviewServerTests", dependencies: ["PreviewServer", "InboxReport", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
