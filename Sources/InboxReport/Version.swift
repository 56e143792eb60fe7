/// The version `inbox-report --version` prints.
public enum InboxReportVersion {
    public static let string = "0.1.0"
}
