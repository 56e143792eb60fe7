import Foundation
import ReportCore

/// `inbox-report init DIR`: a new report project that builds as it is, with comments saying what goes where.
public enum Scaffold {
    public static func create(at dir: URL, today: Date = Date()) throws -> [String] {
        let fm = FileManager.default
        if fm.fileExists(atPath: dir.path) {
            let entries = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            if !entries.filter({ !$0.hasPrefix(".") }).isEmpty {
                throw ReportError("\(dir.path) is not empty; init makes a new project in an empty or new folder")
            }
        }
        let calendar = WeekCalendar(timeZone: TimeZone(identifier: "UTC")!)
        let week = calendar.week(of: today)
        let monday = calendar.start(of: week)
        func day(_ offset: Int) -> String {
            String(calendar.iso8601(monday.addingTimeInterval(Double(offset) * 86400)).prefix(10))
        }
        let files: [(String, String)] = [
            ("report.yml", reportYML),
            ("data/campaigns.csv", """
                campaign,program,name,sent_at,sent,delivered,hard_bounces,soft_bounces,unique_opens,machine_opens,unique_clicks,unsubscribes,complaints
                nl-\(week),newsletter,Weekly newsletter,\(day(1))T09:00:00Z,12000,11870,42,88,5210,2140,610,21,3
                promo-\(week),promotions,Autumn offer,\(day(3))T15:00:00Z,9000,8890,31,79,3320,1390,402,30,6

                """),
            ("notes/weeks/\(week).md", """
                # Week \(week.week)

                Write what happened this week and what you recommend. This is Markdown: **bold**, lists, links.

                """),
            ("notes/programs/newsletter.md", """
                Standing notes for the newsletter's trend page: audience, goals, what changed and when.

                """),
            (".gitignore", "public/\n# The site before the last build's, its next staging folder.\n.public.spare/\n# The build cache: it holds recipient addresses, like data/.\n.inbox-report/\n"),
            ("postmaster-request.json", postmasterRequest(from: day(-28), through: day(-1))),
        ]
        var written: [String] = []
        for (path, text) in files {
            let url = dir.appending(path: path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .withoutOverwriting)
            written.append(path)
        }
        return written
    }

    /// The body of a Gmail Postmaster Tools `domainStats:query` request for the four weeks before this one: save
    /// it, and each response beside it under the response's name with `.request.json` (docs/inputs.md), so the
    /// names it gives the metrics map to Google's.
    static func postmasterRequest(from: String, through: String) -> String {
        func date(_ iso: String) -> String {
            let p = iso.split(separator: "-").map { String(Int($0)!) }
            return "{\"year\": \(p[0]), \"month\": \(p[1]), \"day\": \(p[2])}"
        }
        return """
            {
              "metricDefinitions": [
                {"name": "spam", "baseMetric": {"standardMetric": "SPAM_RATE"}},
                {"name": "dkim", "baseMetric": {"standardMetric": "AUTH_SUCCESS_RATE"}, "filter": "auth_type = \\"dkim\\""},
                {"name": "spf", "baseMetric": {"standardMetric": "AUTH_SUCCESS_RATE"}, "filter": "auth_type = \\"spf\\""},
                {"name": "dmarc", "baseMetric": {"standardMetric": "AUTH_SUCCESS_RATE"}, "filter": "auth_type = \\"dmarc\\""},
                {"name": "tls", "baseMetric": {"standardMetric": "TLS_ENCRYPTION_RATE"}, "filter": "traffic_direction = \\"inbound\\""},
                {"name": "rate_limit", "baseMetric": {"standardMetric": "DELIVERY_ERROR_RATE"}, "filter": "delivery_error_type = \\"RATE_LIMIT_EXCEEDED\\""}
              ],
              "timeQuery": {"timeRange": {"startDate": \(date(from)), "endDate": \(date(through))}},
              "pageSize": 200,
              "aggregationGranularity": "DAILY"
            }

            """
    }

    static let reportYML = """
        # inbox-report project. Every key is optional; an unknown key is an error (typos never pass silently).
        title: My sender — deliverability
        language: en                  # en | sv
        timezone: Europe/Stockholm    # week boundaries and displayed times

        # Programs in the order pages list them, with display names and goals (fractions or percentages).
        programs:
          newsletter:
            name: Weekly newsletter
            goals: { human_open_rate: 0.25, click_rate: 0.03 }
          promotions:
            name: Promotions

        # Alert thresholds (defaults shown).
        # thresholds:
        #   complaint_rate: { warning: 0.001, critical: 0.003 }
        #   hard_bounce_rate: { warning: 0.02, critical: 0.05 }

        # Gmail Postmaster Tools and Microsoft SNDS: put their files under data/ (docs: inputs.md, Mailbox-provider
        # data). postmaster-request.json is a request body for Postmaster Tools' domainStats:query: save each response
        # as data/<name>.json with the request beside it as data/<name>.request.json.

        # Days after a send during which its figures still change.
        reactivation:
          response_window_days: 14

        # Tests of how often to send and of subject lines (docs: inputs.md, Experiments).
        # experiments:
        #   newsletter-frequency:
        #     type: frequency
        #     from: 2026-W48
        #     through: 2026-W53
        #     control: weekly
        #     cohorts: [weekly, twice]      # values of the experiment_group column
        #   december-subject:
        #     type: subject_line
        #     variants: [nl-dec-a, nl-dec-b]

        # Program of sends known only from recipient events, by campaign id pattern.
        # campaign_programs:
        #   "nl-*": newsletter

        # Pin formats and map columns of exports, per glob.
        # inputs:
        #   - path: "data/exports/*.csv"
        #     format: campaigns
        #     columns: { "Emails Sent": sent, "Unique Opens": unique_opens }

        """
}
