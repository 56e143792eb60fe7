import Foundation
import InboxReport
import TestSupport

/// A small project with every kind of input: campaign results for one program, recipient events for another.
enum SiteFixtures {
    static let reportYML = """
        title: Test sender
        timezone: Europe/Stockholm
        programs:
          newsletter:
            name: Weekly newsletter
            goals: { human_open_rate: 0.25 }
          onboarding:
            name: Welcome
        """

    static let campaigns = """
        campaign,program,name,sent_at,sent,delivered,unique_opens,machine_opens,unique_clicks,unsubscribes,complaints,from
        nl-1,newsletter,First issue,2026-11-03T09:00:00+01:00,2000,1980,700,200,80,4,1,news@x.example
        nl-2,newsletter,Second issue,2026-11-10T09:00:00+01:00,2000,1985,650,210,70,5,7,news@x.example
        nl-3,newsletter,Third issue,2026-11-17T09:00:00+01:00,2000,1990,600,190,66,3,2,news@x.example
        onb-1,onboarding,Welcome,,,,,,,,,no-reply@x.example

        """

    static let events = """
        time,campaign,recipient,event,bounce_type,machine,url
        2026-11-16T10:00:00+01:00,onb-1,ann@secret.example,sent,,,
        2026-11-16T10:00:01+01:00,onb-1,ann@secret.example,delivered,,,
        2026-11-16T10:05:00+01:00,onb-1,ann@secret.example,open,,false,
        2026-11-16T10:06:00+01:00,onb-1,ann@secret.example,click,,,https://x.example/start
        2026-11-16T10:00:00+01:00,onb-1,bo@secret.example,sent,,,
        2026-11-16T10:00:03+01:00,onb-1,bo@secret.example,bounce,hard,,
        2026-11-16T10:00:00+01:00,onb-1,cy@secret.example,sent,,,
        2026-11-16T10:00:02+01:00,onb-1,cy@secret.example,delivered,,,
        2026-11-16T10:20:00+01:00,onb-1,cy@secret.example,open,,true,

        """

    static func project(extra: [String: String] = [:]) throws -> TestProject {
        var files = [
            "report.yml": reportYML, "data/campaigns.csv": campaigns, "data/events.csv": events,
            "notes/weeks/2026-W47.md": "# Week 47\n\nAll **good**.\n",
            "notes/programs/newsletter.md": "The newsletter.\n",
        ]
        for (k, v) in extra { files[k] = v }
        return try TestProject(files: files)
    }

    @discardableResult
    static func build(_ project: TestProject, output: String = "public") throws -> BuildSummary {
        try ReportProject(root: project.root).build(options: BuildOptions(output: project.root.appending(path: output)))
    }
}

/// Every `href` and `src` value in an HTML or XML text.
func links(in html: String) -> [String] {
    let pattern = try! NSRegularExpression(pattern: #"(?:href|src)="([^"]*)""#)
    return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap {
        Range($0.range(at: 1), in: html).map { String(html[$0]) }
    }
}

/// Every `id` in an HTML text.
func ids(in html: String) -> Set<String> {
    let pattern = try! NSRegularExpression(pattern: #"\sid="([^"]*)""#)
    return Set(pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap {
        Range($0.range(at: 1), in: html).map { String(html[$0]) }
    })
}
