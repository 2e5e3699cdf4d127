using Loadlens.Core.Scenarios;

namespace Loadlens.Core.Tests.Scenarios;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h2m3s4ms", 3_723_004)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0.25m", 15_000)]
    [InlineData(".5s", 500)]
    [InlineData("30", 30_000)]
    [InlineData("1.5", 1_500)]
    [InlineData("0", 0)]
    [InlineData("0ms", 0)]
    [InlineData("  10s  ", 10_000)]
    [InlineData("007s", 7_000)]
    [InlineData("0.0001ms", 0.0001)]
    public void Parse_ValidDurations(string text, double expectedMs)
    {
        Durations.Parse(text).ShouldBe(TimeSpan.FromTicks((long)Math.Round(expectedMs * TimeSpan.TicksPerMillisecond)));
        Durations.TryParse(text, out var value).ShouldBeTrue();
        value.TotalMilliseconds.ShouldBe(expectedMs);
    }

    [Theory]
    [InlineData("", "a duration cannot be empty")]
    [InlineData("   ", "a duration cannot be empty")]
    [InlineData("-5s", "a duration cannot be negative: '-5s'")]
    [InlineData("-1", "a duration cannot be negative")]
    [InlineData("abc", "invalid duration 'abc'")]
    [InlineData("s", "invalid duration 's'")]
    [InlineData("10x", "invalid duration '10x': unknown unit 'x'")]
    [InlineData("10 s", "invalid duration '10 s'")]
    [InlineData("1m30", "invalid duration '1m30': '30' needs a unit")]
    [InlineData("30s1m", "invalid duration '30s1m': write the units largest first")]
    [InlineData("1s1s", "invalid duration '1s1s': write the units largest first")]
    [InlineData("1.s", "invalid duration '1.s'")]
    [InlineData("1e3s", "invalid duration '1e3s': unknown unit 'e'")]
    [InlineData("+5s", "invalid duration '+5s'")]
    [InlineData("5S", "invalid duration '5S': unknown unit 'S'")]
    [InlineData("99999999999999999999999999999999h", "duration '99999999999999999999999999999999h' is too large")]
    [InlineData("300000000h", "duration '300000000h' is too large")]
    public void Parse_InvalidDurations_ThrowFormatExceptionWithClearMessage(string text, string messageStart)
    {
        Should.Throw<FormatException>(() => Durations.Parse(text)).Message.ShouldStartWith(messageStart);
        Durations.TryParse(text, out var value).ShouldBeFalse();
        value.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void TryParse_Null_IsFalse()
    {
        Durations.TryParse(null, out _).ShouldBeFalse();
        Should.Throw<ArgumentNullException>(() => Durations.Parse(null!));
    }
}
