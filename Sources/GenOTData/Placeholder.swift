public enum DataPlaceholder {}
