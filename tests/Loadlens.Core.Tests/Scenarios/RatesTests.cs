using Loadlens.Core.Scenarios;

namespace Loadlens.Core.Tests.Scenarios;

public sealed class RatesTests
{
    [Theory]
    [InlineData("200", 200)]
    [InlineData("200/s", 200)]
    [InlineData("1200/m", 20)]
    [InlineData("10/min", 10.0 / 60)]
    [InlineData("3600/h", 1)]
    [InlineData("0.5", 0.5)]
    [InlineData(" 50 / s ", 50)]
    [InlineData("1/h", 1.0 / 3600)]
    public void Parse_ValidRates(string text, double expected)
    {
        Rates.Parse(text).ShouldBe(expected, 1e-12);
        Rates.TryParse(text, out var value).ShouldBeTrue();
        value.ShouldBe(expected, 1e-12);
    }

    [Theory]
    [InlineData("", "a rate cannot be empty")]
    [InlineData("0", "a rate must be greater than 0, got '0'")]
    [InlineData("0/s", "a rate must be greater than 0")]
    [InlineData("-5/s", "a rate cannot be negative: '-5/s'")]
    [InlineData("fast", "invalid rate 'fast'")]
    [InlineData("200/day", "invalid rate '200/day': unknown unit '/day'")]
    [InlineData("200/", "invalid rate '200/': unknown unit '/'")]
    [InlineData("/s", "invalid rate '/s'")]
    [InlineData("1e3", "invalid rate '1e3'")]
    [InlineData("10/s/s", "invalid rate '10/s/s'")]
    [InlineData("NaN", "invalid rate 'NaN'")]
    [InlineData("Infinity", "invalid rate 'Infinity'")]
    [InlineData("999999999999999999999999999999999", "rate '999999999999999999999999999999999' is too large")]
    public void Parse_InvalidRates_ThrowFormatExceptionWithClearMessage(string text, string messageStart)
    {
        Should.Throw<FormatException>(() => Rates.Parse(text)).Message.ShouldStartWith(messageStart);
        Rates.TryParse(text, out var value).ShouldBeFalse();
        value.ShouldBe(0);
    }

    [Fact]
    public void TryParse_Null_IsFalse()
    {
        Rates.TryParse(null, out _).ShouldBeFalse();
        Should.Throw<ArgumentNullException>(() => Rates.Parse(null!));
    }
}
