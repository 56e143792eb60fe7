import ReportCore

/// Which KPIs each table of the site shows, in order: chosen here and nowhere else. A template draws a
/// table's columns from its `columns` and each row's `cells`, so changing a list here changes the table.
enum Columns {
    /// The week page's program table.
    static let week: [KPI] = [.humanOpenRate, .openRate, .clickRate, .clickToOpenRate, .unsubscribeRate, .complaintRate, .hardBounceRate]
    /// A program page's table of weeks.
    static let program: [KPI] = [.humanOpenRate, .clickRate, .clickToOpenRate, .unsubscribeRate, .complaintRate, .hardBounceRate]
    /// The overview's table of programs (each with a sparkline).
    static let headline: [KPI] = [.humanOpenRate, .clickRate, .unsubscribeRate, .complaintRate]
    /// Every table of sends.
    static let sends: [KPI] = [.humanOpenRate, .clickRate, .unsubscribeRate, .complaintRate, .hardBounceRate]
    /// The mailbox-provider tables.
    static let providers: [KPI] = [.humanOpenRate, .clickRate, .unsubscribeRate, .complaintRate, .hardBounceRate]
    /// A re-activation send's before-and-after comparison.
    static let beforeAfter: [KPI] = [.humanOpenRate, .clickRate, .complaintRate]
}
