// TemperatureMonths.swift: a user model file — the temperature forecaster reading every column of each month (year,
// month, temperature), as the Jena tutorial feeds all its features. `precast generate Examples/TemperatureMonths.swift`,
// then `temperature-months-train --data Examples/data/nottingham-temperature.csv --series-windows --standardize`.
import Precast

let model = Sequential(name: "temperature-months", input: [24, 3]) {  // 24 months × (year, month, °F)
  GRU(32)
  Dense(1)
}
.compile(loss: .meanAbsoluteError, optimizer: .rmsprop(), metrics: [.meanAbsoluteError])
.fit(epochs: 40, batchSize: 16, validationSplit: 0.2)
