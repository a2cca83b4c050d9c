import ArgumentParser
import GenOTData

// `--dataset mnist|fashion`: an unknown name is rejected by the parser with
// the list of valid ones.
extension DatasetName: ExpressibleByArgument {}
