/// Every rate the report computes (`metrics.md`, *Counts and rates*). The raw values are the names used in
/// `report.yml` goals, the data downloads and the glossary anchors.
public enum KPI: String, Sendable, CaseIterable, Codable {
    case deliveryRate = "delivery_rate"
    case hardBounceRate = "hard_bounce_rate"
    case softBounceRate = "soft_bounce_rate"
    case openRate = "open_rate"
    case humanOpenRate = "human_open_rate"
    case clickRate = "click_rate"
    case clickToOpenRate = "click_to_open_rate"
    case replyRate = "reply_rate"
    case forwardRate = "forward_rate"
    case unsubscribeRate = "unsubscribe_rate"
    case complaintRate = "complaint_rate"
    case positiveEngagementRate = "positive_engagement_rate"
    case negativeEngagementRate = "negative_engagement_rate"

    /// Whether a higher value is the good direction (opens) or the bad one (complaints).
    public var higherIsBetter: Bool {
        switch self {
        case .deliveryRate, .openRate, .humanOpenRate, .clickRate, .clickToOpenRate, .replyRate, .forwardRate,
            .positiveEngagementRate:
            return true
        case .hardBounceRate, .softBounceRate, .unsubscribeRate, .complaintRate, .negativeEngagementRate:
            return false
        }
    }
}
