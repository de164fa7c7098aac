using Warden.Policy.Extensions;
using static Warden.Policy.Tests.Support.Expressions;

namespace Warden.Policy.Tests.Extensions;

public sealed class ExtensionSemanticsTests
{
    [Theory]
    [InlineData("ip(\"127.0.0.2\").isLoopback()", true)]
    [InlineData("ip(\"127.0.0.1/7\").isLoopback()", false)]
    [InlineData("ip(\"::1\").isLoopback()", true)]
    [InlineData("ip(\"::1/64\").isLoopback()", false)]
    [InlineData("ip(\"::2\").isLoopback()", false)]
    [InlineData("ip(\"224.0.0.1\").isMulticast()", true)]
    [InlineData("ip(\"239.255.0.1/3\").isMulticast()", false)]
    [InlineData("ip(\"ff00::2\").isMulticast()", true)]
    [InlineData("ip(\"127.0.0.1/24\").isIpv4()", true)]
    [InlineData("ip(\"ffee::/64\").isIpv6()", true)]
    [InlineData("ip(\"192.168.0.1\").isInRange(ip(\"192.168.0.1/24\"))", true)]
    [InlineData("ip(\"192.168.0.75\").isInRange(ip(\"192.168.0.1/28\"))", false)]
    [InlineData("ip(\"1:2:3:4::\").isInRange(ip(\"1:2:3:4::/48\"))", true)]
    [InlineData("ip(\"192.168.0.1\").isInRange(ip(\"1:2:3:4::\"))", false)]
    [InlineData("ip(\"10.0.0.0/8\").isInRange(ip(\"0.0.0.0/0\"))", true)]
    [InlineData("ip(\"0.0.0.0/0\").isInRange(ip(\"10.0.0.0/8\"))", false)]
    [InlineData("decimal(\"-1.23\").lessThan(decimal(\"1.23\"))", true)]
    [InlineData("decimal(\"-1.23\").greaterThan(decimal(\"-1.24\"))", true)]
    [InlineData("decimal(\"1.23\").lessThanOrEqual(decimal(\"1.23\"))", true)]
    [InlineData("decimal(\"-0.5\").lessThan(decimal(\"0.0\"))", true)]
    [InlineData("decimal(\"-0.0\") == decimal(\"0.0\")", true)]
    [InlineData("decimal(\"-922337203685477.5808\").lessThan(decimal(\"922337203685477.5807\"))", true)]
    [InlineData("datetime(\"1970-01-01\") < datetime(\"1970-01-02\")", true)]
    [InlineData("datetime(\"2024-10-15T11:35:00+0100\") == datetime(\"2024-10-15T10:35:00Z\")", true)]
    [InlineData("datetime(\"2024-10-15\").offset(duration(\"1h\")) == datetime(\"2024-10-15T01:00:00Z\")", true)]
    [InlineData("datetime(\"2024-10-16T00:00:00-0500\").durationSince(datetime(\"2024-10-15\")) == duration(\"1d5h\")", true)]
    [InlineData("datetime(\"2025-02-20T22:00:00-0500\").toDate() == datetime(\"2025-02-21\")", true)]
    [InlineData("datetime(\"2025-02-20T10:35:00-0500\").toTime() == duration(\"15h35m\")", true)]
    [InlineData("datetime(\"1969-12-31T23:00:00Z\").toTime() == duration(\"23h\")", true)]
    [InlineData("datetime(\"1969-12-31\").toDate() == datetime(\"1969-12-31\")", true)]
    [InlineData("datetime(\"0000-01-01T00:00:00+2359\").offset(duration(\"-1ms\")) < datetime(\"0000-01-01\")", true)]
    [InlineData("duration(\"3h30m\") < duration(\"15000s\")", true)]
    [InlineData("duration(\"-1d1ms\").toDays() == -1 && duration(\"-25h\").toDays() == -1", true)]
    [InlineData("duration(\"4m70s\").toMinutes() == 5 && duration(\"100ms\").toSeconds() == 0", true)]
    [InlineData("duration(\"1d\").toMilliseconds() == 86400000 && duration(\"1d\").toHours() == 24", true)]
    public void Methods_MatchCedar(string expression, bool expected)
    {
        Assert.Equal(expected, True(expression));
    }

    [Theory]
    [InlineData("ip(\"1.2.3.4\", 1)", "wrong number of arguments")]
    [InlineData("ip()", "wrong number of arguments")]
    [InlineData("ip(\"127.0.0.1\").isLoopback(1)", "wrong number of arguments")]
    [InlineData("ip(1)", "type error")]
    [InlineData("\"abc\".isIpv4()", "maybe you forgot to apply the `ip` constructor")]
    [InlineData("decimal(\"1.1\").lessThan(2)", "type error")]
    [InlineData("ip(\"380.0.0.1\")", "invalid IP address")]
    [InlineData("decimal(\"1.23456\")", "too many digits")]
    [InlineData("datetime(\"1970-01-01\").offset(duration(\"9223372036854775807ms\")).offset(duration(\"1ms\"))", "overflow")]
    [InlineData("datetime(\"1970-01-01\").offset(duration(\"-9223372036854775807ms\")).offset(duration(\"-1ms\")).toDate()", "overflow")]
    [InlineData("duration(\"5h\").toDate()", "type error")]
    public void Methods_Misused_AreErrors(string expression, string message)
    {
        Assert.Contains(message, Error(expression), StringComparison.Ordinal);
    }

    [Fact]
    public void Values_ConvertToTextAndBack()
    {
        Assert.Equal("-1.2500", CedarDecimal.Parse("-1.25").ToString());
        Assert.Equal("1d2h3ms", CedarDuration.Parse("26h3ms").ToString());
        Assert.Equal("2024-10-15T10:35:00.000Z", CedarDatetime.Parse("2024-10-15T11:35:00+0100").ToString());
        Assert.Equal("ff00::2/128", IpAddress.Parse("FF00:0:0:0::2").ToString());
        Assert.Equal("10.0.0.1/24", IpAddress.Parse("10.0.0.1/24").ToString());
        Assert.Equal(-922337203685477_5808L, CedarDecimal.Parse("-922337203685477.5808").Scaled);
        Assert.Equal(long.MinValue, CedarDuration.Parse("-9223372036854775808ms").Milliseconds);
        Assert.Equal(-62167219200000L + (23 * 3600000L) + (59 * 60000L), CedarDatetime.Parse("0000-01-01T00:00:00-2359").EpochMilliseconds);
    }
}
