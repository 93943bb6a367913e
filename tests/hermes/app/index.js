const {checkout} = require('./checkout');

function onPress() {
  return checkout.run([{name: 'tea', price: 3}, {name: 'cake'}]);
}

module.exports = function App() {
  return onPress();
};
