import Foundation
import InboxReport
import Testing
import TestSupport

/// site.md and issue 11: the mailbox-providers page, the week page's "What Gmail and Microsoft saw", the
/// downloads, and no address anywhere — built from the documentation's fixtures and a few recipient events.
@Suite struct MailboxProvidersPageTests {
    static let events = """
        time,campaign,recipient,event,bounce_type,machine,url,diagnostic
        2026-10-05T09:00:00Z,w41-a,dee@secret.example,sent,,,,
        2026-10-05T10:00:00Z,w41-a,dee@secret.example,unsubscribe,,,,
        2026-10-05T09:00:00Z,w41-a,eve@secret.example,sent,,,,
        2026-10-05T09:00:05Z,w41-a,eve@secret.example,bounce,hard,,,550 5.1.1 eve@secret.example user unknown
        2026-10-05T09:00:00Z,w41-a,fay@gmail.com,sent,,,,
        2026-10-05T09:00:05Z,w41-a,fay@gmail.com,deferred,,,,421 4.7.28 unusual rate of unsolicited mail
        2026-10-05T10:00:00Z,w41-a,fay@gmail.com,delivered,,,,
        2026-10-08T09:00:00Z,w41-b,dee@secret.example,sent,,,,
        2026-10-08T09:00:00Z,w41-b,fay@gmail.com,sent,,,,

        """

    static func project() throws -> TestProject {
        let project = try TestProject(files: [
            "report.yml": "title: T\ntimezone: UTC\nprograms:\n  news:\n    name: News\n",
            "data/events.csv": events,
            "data/campaigns.csv": "campaign,program,name\nw41-a,news,Monday\nw41-b,news,Thursday\n",
        ])
        for (target, source) in [
            ("data/gmail/2026-10.json", "postmaster-query.json"), ("data/gmail/2026-10.request.json", "postmaster-query.request.json"),
            ("data/gmail/compliance.json", "compliance.json"), ("data/snds/october.csv", "snds.csv"),
            ("data/gmail/archive.json", "traffic-stats-v1.json"),
        ] {
            try FileManager.default.createDirectory(at: project.root.appending(path: target).deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: PackagePaths.root().appending(path: "Tests/Fixtures/mailbox-providers/\(source)").path,
                                             toPath: project.root.appending(path: target).path)
        }
        return project
    }

    @Test func pageWeekSectionAndDownloads() throws {
        let project = try Self.project()
        _ = try ReportProject(root: project.root).build(options: BuildOptions())
        let page = try #require(project.read("public/mailbox-providers/index.html"))
        #expect(page.contains("news.example.com"))
        #expect(page.contains("0.34%"))                         // the worst day, 2026-10-06
        #expect(page.contains("Not yet eligible for mitigation: 0 of 7 days"))
        #expect(page.contains("Unsubscribes honoured: needs work"))
        #expect(page.contains("192.0.2.11"))
        #expect(page.contains("snds-red"))
        #expect(page.contains("Invalid recipient"))
        #expect(page.contains("Domain reputation in the Postmaster Tools v1 archive (1 Mar 2025 to 1 Mar 2025): MEDIUM on 1 day."))

        // W41 of 2026: Gmail at 0.34 % while the sender's own complaint rate is 0 %: the divergence, on the week.
        let week = try #require(project.read("public/weeks/2026-W41/index.html"))
        #expect(week.contains("What Gmail and Microsoft saw"))
        #expect(week.contains("while your own complaint rate for the week was 0.0%"))
        // dee unsubscribed on Monday 10:00 and got Thursday's send 71 h later.
        #expect(week.contains("1 message of this week&#39;s sends with recipient events went to addresses more than 48 hours after they opted out"))

        let csv = try #require(project.read("public/data/mailbox-providers.csv")).split(separator: "\n").map(String.init)
        #expect(csv[0] == "source,domain,ip,date,metric,value")
        #expect(csv.contains("gmail-postmaster,news.example.com,,2026-10-06,SPAM_RATE,0.003400"))
        #expect(csv.contains("gmail-postmaster,news.example.com,,2026-10-05,AUTH_SUCCESS_RATE:dkim,0.998000"))
        #expect(csv.contains("gmail-postmaster,news.example.com,,2026-10-06,DELIVERY_ERROR_COUNT,12"))
        #expect(csv.contains("microsoft-snds,,192.0.2.10,2026-10-05,complaint_rate,<0.001000"))
        #expect(csv.contains("microsoft-snds,,192.0.2.10,2026-10-06,complaint_rate,0.001000"))
        #expect(csv.contains("microsoft-snds,,192.0.2.11,2026-10-06,filter_result,RED"))
        #expect(csv.contains("microsoft-snds,,192.0.2.10,2026-10-06,trap_hits,3"))

        let reasons = try #require(project.read("public/data/bounce-reasons.csv")).split(separator: "\n").map(String.init)
        #expect(reasons == [
            "week,provider,kind,reason,messages",
            "2026-W41,gmail,deferral,rate_limited,1",
            "2026-W41,other,bounce,invalid_recipient,1",
        ])
        let campaigns = try #require(project.read("public/data/campaigns.csv")).split(separator: "\n").map(String.init)
        #expect(campaigns[0].hasSuffix(",sent_after_optout"))
        #expect(campaigns.first { $0.hasPrefix("w41-b,") }?.hasSuffix(",1") == true)
        #expect(campaigns.first { $0.hasPrefix("w41-a,") }?.hasSuffix(",0") == true)
    }

    @Test func noAddressReachesTheSite() throws {
        let project = try Self.project()
        _ = try ReportProject(root: project.root).build(options: BuildOptions())
        for path in project.files(under: "public") {
            let text = try #require(project.read("public/\(path)"))
            // Recipients, and the SNDS export's sample MAIL FROM (bounce@example.com).
            for address in ["dee@secret.example", "eve@secret.example", "fay@gmail.com", "secret.example", "bounce@example.com"] {
                #expect(!text.contains(address), "\(address) in \(path)")
            }
        }
    }

    @Test func swedishLabels() throws {
        let project = try Self.project()
        _ = try ReportProject(root: project.root).build(options: BuildOptions(language: "sv"))
        let page = try #require(project.read("public/mailbox-providers/index.html"))
        #expect(page.contains("Vad brevlådeleverantörerna ser"))
        #expect(page.contains("Ännu inte berättigad till mitigation"))
        let week = try #require(project.read("public/weeks/2026-W41/index.html"))
        #expect(week.contains("Vad Gmail och Microsoft såg"))
    }
}
