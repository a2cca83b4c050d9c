public enum GenOTBenchPlaceholder {}
